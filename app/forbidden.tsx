import Link from 'next/link'

export default function Forbidden() {
  return (
    <div className="narrow card">
      <h1>403 — Not allowed</h1>
      <p>
        Your account does not have access to this page. If you think it should, ask an admin of this Helix
        Academy.
      </p>
      <Link className="button" href="/dashboard">
        Back to your dashboard
      </Link>
    </div>
  )
}
