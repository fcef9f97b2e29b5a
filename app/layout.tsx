import type { Metadata } from 'next'
import Link from 'next/link'
import type { ReactNode } from 'react'
import { BrandMark } from './_components/brand-mark'
import { SignOutButton } from './_components/sign-out-button'
import { ThemeToggle } from './_components/theme-toggle'
import { themeBootScript } from '@/contracts/theme-boot-script'
import { getCurrentUser } from '@/server/session/current-user'
import './globals.css'

export const metadata: Metadata = {
  title: { default: 'Helix Academy', template: '%s · Helix Academy' },
  description: 'Learn to run HelixAgent in production, hands-on, in a private copy of the real HA stack.',
}

export default async function RootLayout({ children }: { children: ReactNode }) {
  const user = await getCurrentUser()
  return (
    <html lang="en" suppressHydrationWarning>
      <head>
        <script dangerouslySetInnerHTML={{ __html: themeBootScript }} />
      </head>
      <body>
        <a className="skip-link" href="#main">
          Skip to content
        </a>
        <header className="site-header">
          <div className="inner">
            <Link href="/" className="brand">
              <BrandMark /> Helix Academy
            </Link>
            <nav className="site-nav" aria-label="Main">
              <Link href="/courses">Courses</Link>
              <Link href="/labs">Labs</Link>
              <Link href="/runbooks">Runbooks</Link>
              {user && <Link href="/dashboard">Dashboard</Link>}
              {user && (user.role === 'instructor' || user.role === 'admin') && (
                <Link href="/instructor">Instructor</Link>
              )}
              {user?.role === 'admin' && <Link href="/admin">Admin</Link>}
            </nav>
            <div className="header-actions">
              <form role="search" action="/search" className="header-search">
                <input type="search" name="q" placeholder="Search…" aria-label="Search the course" />
              </form>
              <ThemeToggle />
              {user ? (
                <>
                  <span className="muted" data-testid="signed-in-as">
                    {user.name}
                  </span>
                  <SignOutButton />
                </>
              ) : (
                <>
                  <Link href="/sign-in" className="button small">
                    Sign in
                  </Link>
                  <Link href="/sign-up" className="button small primary">
                    Sign up
                  </Link>
                </>
              )}
            </div>
          </div>
        </header>
        <main id="main">{children}</main>
        <footer className="site-footer">
          <div className="inner">
            Helix Academy — self-hosted, hands-on production operations training for HelixAgent.
          </div>
        </footer>
      </body>
    </html>
  )
}
