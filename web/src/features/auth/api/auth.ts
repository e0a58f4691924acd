import { api } from '../../../lib/api';
import type { Account } from '../../../lib/types';

export const getAuthConfig = () => api.get<{ signup: 'open' | 'closed' }>('/auth/config', { quiet401: true });
export const signUp = (email: string, password: string) => api.post<{ account: Account }>('/auth/signup', { email, password });
export const signIn = (email: string, password: string) => api.post<{ account: Account }>('/auth/signin', { email, password });
export const signInWithLink = (token: string) => api.post<{ account: Account }>('/auth/signin-link', { token });
export const signOut = () => api.post<void>('/auth/signout');
