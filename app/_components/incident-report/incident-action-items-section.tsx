'use client'
// The Action Items fieldset: action, owner, due date and status per row.
import { ACTION_STATUSES, emptyActionItem, type ActionItem } from '@/contracts/incident-report-model'
import styles from './incident-report.module.css'

export function IncidentActionItemsSection({
  formId,
  actionItems,
  onChange,
}: {
  formId: string
  actionItems: ActionItem[]
  onChange: (actionItems: ActionItem[]) => void
}) {
  return (
    <fieldset className={styles.section}>
      <legend>Action Items</legend>
      <ol className={styles.rows}>
        {actionItems.map((item, index) => {
          const set = (patch: Partial<ActionItem>) =>
            onChange(actionItems.map((a, i) => (i === index ? { ...a, ...patch } : a)))
          return (
            <li key={index} className={styles.actionRow}>
              <label>
                Action
                <input
                  value={item.action}
                  autoComplete="off"
                  onChange={(event) => set({ action: event.currentTarget.value })}
                />
              </label>
              <label>
                Owner
                <input
                  value={item.owner}
                  placeholder="@sre"
                  autoComplete="off"
                  onChange={(event) => set({ owner: event.currentTarget.value })}
                />
              </label>
              <label>
                Due date
                <input
                  type="date"
                  value={item.dueDate}
                  onChange={(event) => set({ dueDate: event.currentTarget.value })}
                />
              </label>
              <div className={styles.field}>
                <label htmlFor={`${formId}-action-${index}-status`}>Status</label>
                <select
                  id={`${formId}-action-${index}-status`}
                  value={item.status}
                  onChange={(event) => set({ status: event.currentTarget.value as ActionItem['status'] })}
                >
                  {ACTION_STATUSES.map((s) => (
                    <option key={s}>{s}</option>
                  ))}
                </select>
              </div>
              <button
                type="button"
                className="button small"
                aria-label={`Remove action item ${index + 1}`}
                onClick={() => onChange(actionItems.filter((_, i) => i !== index))}
              >
                Remove
              </button>
            </li>
          )
        })}
      </ol>
      <button
        type="button"
        className="button small"
        onClick={() => onChange([...actionItems, emptyActionItem()])}
      >
        Add action item
      </button>
    </fieldset>
  )
}
