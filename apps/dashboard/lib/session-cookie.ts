/** The dashboard's session cookie (sealed; see session.ts). Its own module: the proxy reads only its name. */
export const SESSION_COOKIE = 'palisade_session';
