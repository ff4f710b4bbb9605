import { describedBy, FieldHelp } from './shell.tsx'

export function SignInForm({ error }: { error?: string }) {
  return (
    <form method="post" action="/console/sign-in">
      <FieldHelp
        id="token"
        label="Your editor token"
        hint="The token you were given for the disclaimers (locally: .wrangler/state/editors/<name>.token)."
        error={error}
      />
      <input
        type="password"
        id="token"
        name="token"
        autocomplete="current-password"
        required
        {...describedBy('token', error)}
      />
      <button type="submit">Sign in</button>
    </form>
  )
}
