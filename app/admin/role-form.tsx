import { changeRoleAction } from './actions'

export function RoleForm({ userId, role, self }: { userId: string; role: string; self: boolean }) {
  return (
    <form action={changeRoleAction} style={{ display: 'flex', gap: '0.5rem' }}>
      <input type="hidden" name="userId" value={userId} />
      <select name="role" defaultValue={role} aria-label="Role" disabled={self}>
        <option value="learner">learner</option>
        <option value="instructor">instructor</option>
        <option value="admin">admin</option>
        <option value="author">author</option>
      </select>
      {!self && (
        <button className="button small" type="submit">
          Save
        </button>
      )}
    </form>
  )
}
