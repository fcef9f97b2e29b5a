import Link from 'next/link'

export default function NotFound() {
  return (
    <div className="narrow card">
      <h1>Page not found</h1>
      <p>That page does not exist or has moved.</p>
      <Link className="button" href="/">
        Go home
      </Link>
    </div>
  )
}
