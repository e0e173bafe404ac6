import type { Metadata, Viewport } from 'next';
import { connection } from 'next/server';
import type { ReactNode } from 'react';
import './globals.css';

export const metadata: Metadata = {
  title: { default: 'Palisade', template: '%s · Palisade' },
  description: 'Palisade: incidents, containment and tuning for AI agents’ MCP tool traffic',
  robots: { index: false, follow: false },
};

export const viewport: Viewport = {
  colorScheme: 'light dark',
  themeColor: [
    { media: '(prefers-color-scheme: light)', color: '#f4f6f8' },
    { media: '(prefers-color-scheme: dark)', color: '#0d1117' },
  ],
};

export default async function RootLayout({ children }: { children: ReactNode }) {
  // Every page is rendered for its request, none prerendered at build time: Next.js can put the nonce of
  // the response's Content-Security-Policy (proxy.ts) only on the scripts of a page it renders then.
  await connection();
  return (
    <html lang="en">
      <body>{children}</body>
    </html>
  );
}
