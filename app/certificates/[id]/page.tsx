import type { Metadata } from 'next'
import { notFound } from 'next/navigation'
import { verifyCertificate } from '@/server/certificates/certificates'
import { webConfig } from '@/server/config'
import styles from '../certificate.module.css'

export const metadata: Metadata = { title: 'Certificate' }
export const dynamic = 'force-dynamic'

/** Public: anyone with the link can verify the certificate. */
export default async function CertificatePage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params
  const certificate = await verifyCertificate({ id: decodeURIComponent(id) })
  if (!certificate) notFound()
  const url = `${webConfig().PUBLIC_URL.replace(/\/$/, '')}/certificates/${certificate.id}`
  return (
    <article className={styles.certificate} aria-labelledby="certificate-title">
      <p className={styles.kicker}>Helix Academy · Certificate of completion</p>
      <h1 id="certificate-title" className={styles.name} data-testid="certificate-name">
        {certificate.learnerName}
      </h1>
      <p>has completed every lesson, knowledge check and hands-on lab of</p>
      <p className={styles.course}>{certificate.courseTitle}</p>
      <p className="muted">Issued {certificate.issuedAt.toISOString().slice(0, 10)}</p>
      <p className={styles.verify} role="status">
        ✓ Verified: this certificate was issued by this Helix Academy.
        <br />
        Verification code <code>{certificate.id}</code> · <a href={url}>{url}</a>
      </p>
    </article>
  )
}
