import type { Context } from 'koa';

/**
 * Browsers accept a `__Host-` cookie only with Secure, so over plain http (a laptop's
 * localhost) the session cookie goes by a name without the prefix. `ctx.secure` follows
 * X-Forwarded-Proto, as the app trusts its proxy.
 */
export function sessionCookieName(ctx: Context): string {
  return ctx.secure ? '__Host-vivid_session' : 'vivid_session';
}

export function readSessionToken(ctx: Context): string | undefined {
  return ctx.cookies.get(sessionCookieName(ctx)) || undefined;
}

export function setSessionCookie(ctx: Context, token: string, maxAgeSeconds: number): void {
  ctx.cookies.set(sessionCookieName(ctx), token, {
    httpOnly: true,
    sameSite: 'lax',
    secure: ctx.secure,
    path: '/',
    maxAge: maxAgeSeconds * 1000,
    overwrite: true,
  });
}

export function clearSessionCookie(ctx: Context): void {
  ctx.cookies.set(sessionCookieName(ctx), '', { httpOnly: true, sameSite: 'lax', secure: ctx.secure, path: '/', maxAge: 0, overwrite: true });
}
