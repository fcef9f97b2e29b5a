import type { Metadata } from 'next'
import Link from 'next/link'
import { listApiTokens, TOKEN_EXPIRY_DAYS } from '@/server/api-tokens/api-tokens'
import { webConfig } from '@/server/config'
import { requireRole } from '@/server/session/current-user'
import { createTokenAction, revokeTokenAction } from '../actions'
import { ActionForm } from '../_components/action-form'
import styles from '../instructor.module.css'

export const metadata: Metadata = { title: 'Grading API tokens' }

export default async function TokensPage() {
  const actor = await requireRole('/instructor/tokens', ['instructor', 'admin'])
  const tokens = await listApiTokens({ actor })
  const base = webConfig().PUBLIC_URL.replace(/\/$/, '')
  const now = new Date()
  return (
    <>
      <p className="muted" style={{ marginBottom: 0 }}>
        <Link href="/instructor">Instructor</Link> › API tokens
      </p>
      <h1>Grading API tokens</h1>
      <p>
        For automated grading pipelines. A token acts as you, within its scopes: <em>read grades</em> of the
        cohorts you teach, and/or <em>write overrides</em> in your name (audited). Every token expires; revoke
        one at any time. Only a hash is stored, so the token is shown once.
      </p>
      <pre className={styles.output}>
        {`curl -H "Authorization: Bearer hxa_…" ${base}/api/grading/cohorts
curl -H "Authorization: Bearer hxa_…" ${base}/api/grading/cohorts/<cohortId>/grades
curl -X POST -H "Authorization: Bearer hxa_…" -H "content-type: application/json" \\
  -d '{"userId":"…","courseSlug":"production-operations","itemKey":"final","percent":92,"reason":"Capstone review"}' \\
  ${base}/api/grading/overrides`}
      </pre>
      <section className="card" aria-labelledby="new-token-heading">
        <h2 id="new-token-heading">New token</h2>
        <ActionForm
          action={createTokenAction}
          submitLabel="Create token"
          className={styles.inlineForm}
          secretLabel="Your new token (copy it now; it is not shown again):"
        >
          <label>
            Name
            <input name="name" required maxLength={80} placeholder="e.g. CI grader" />
          </label>
          <fieldset>
            <legend>Scopes</legend>
            <label style={{ flexDirection: 'row', alignItems: 'center' }}>
              <input type="checkbox" name="scopes" value="grades:read" defaultChecked /> Read grades
            </label>
            <label style={{ flexDirection: 'row', alignItems: 'center' }}>
              <input type="checkbox" name="scopes" value="overrides:write" /> Write overrides
            </label>
          </fieldset>
          <label>
            Expires after
            <select name="expiresInDays" defaultValue={String(TOKEN_EXPIRY_DAYS.default)}>
              {[7, 30, 90, 180, TOKEN_EXPIRY_DAYS.max].map((days) => (
                <option key={days} value={days}>
                  {days} days
                </option>
              ))}
            </select>
          </label>
        </ActionForm>
      </section>
      <section className={styles.section} aria-labelledby="tokens-heading">
        <h2 id="tokens-heading">Your tokens</h2>
        {tokens.length === 0 ? (
          <p className="muted">No tokens yet.</p>
        ) : (
          <table className="data">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Scopes</th>
                <th scope="col">Created</th>
                <th scope="col">Expires</th>
                <th scope="col">Last used</th>
                <th scope="col">State</th>
                <th scope="col">
                  <span className="muted">Action</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {tokens.map((t) => (
                <tr key={t.id}>
                  <td>{t.name}</td>
                  <td>{t.scopes.join(', ') || 'none'}</td>
                  <td>{t.createdAt.toISOString().slice(0, 16).replace('T', ' ')}</td>
                  <td>{t.expiresAt ? t.expiresAt.toISOString().slice(0, 10) : 'expired'}</td>
                  <td>
                    {t.lastUsedAt ? t.lastUsedAt.toISOString().slice(0, 16).replace('T', ' ') : 'never'}
                  </td>
                  <td>
                    {t.revokedAt ? 'revoked' : !t.expiresAt || t.expiresAt <= now ? 'expired' : 'active'}
                  </td>
                  <td>
                    {!t.revokedAt && (
                      <ActionForm
                        action={revokeTokenAction}
                        submitLabel="Revoke"
                        submitClassName="button small"
                      >
                        <input type="hidden" name="tokenId" value={t.id} />
                      </ActionForm>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </>
  )
}
