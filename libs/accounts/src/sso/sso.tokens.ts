export const SSO_SECRET_CIPHER = Symbol('SSO_SECRET_CIPHER');
