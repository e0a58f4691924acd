#!/bin/sh
# Temporal's own schema on temporal-postgresql (as Temporal's samples-server compose does it).
set -eu
nc -z -w 10 temporal-postgresql 5432
tool="temporal-sql-tool --plugin postgres12 --ep temporal-postgresql -u temporal -p 5432 --pw temporal"
$tool --db temporal create || true
$tool --db temporal setup-schema -v 0.0
$tool --db temporal update-schema -d /etc/temporal/schema/postgresql/v12/temporal/versioned
$tool --db temporal_visibility create || true
$tool --db temporal_visibility setup-schema -v 0.0
$tool --db temporal_visibility update-schema -d /etc/temporal/schema/postgresql/v12/visibility/versioned
