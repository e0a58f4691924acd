#!/bin/sh
# The namespace and the search attributes Vivid Flow's workflows set (README, "Operators").
set -eu
address="${TEMPORAL_ADDRESS:-temporal:7233}"
ns="${DEFAULT_NAMESPACE:-default}"
until temporal operator cluster health --address "$address"; do sleep 5; done
temporal operator namespace describe -n "$ns" --address "$address" \
  || temporal operator namespace create -n "$ns" --address "$address"
for name in VividModel VividStatus VividAccount; do
  temporal operator search-attribute create --namespace "$ns" --address "$address" --name "$name" --type Keyword || true
done
