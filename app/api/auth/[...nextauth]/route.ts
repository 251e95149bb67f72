// next-auth v4 route handler; configuration in lib/auth-options.ts.
import '@/server/runtime/preload-native';
import NextAuth from 'next-auth';
import { authOptions } from '@/lib/auth-options';

export const dynamic = 'force-dynamic';

const handler = NextAuth(authOptions);
export { handler as GET, handler as POST };
