import { signOutAction } from '@/app/_actions/sign-out'

export function SignOutButton() {
  return (
    <form action={signOutAction}>
      <button type="submit" className="button small">
        Sign out
      </button>
    </form>
  )
}
