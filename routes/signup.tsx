import type { PageProps } from "../lib/web/types.ts";
import {
  type LoginPageData,
  LoginWithProviders,
} from "../components/provider_links.tsx";
import { signUp } from "../lib/auth/accounts.ts";
import { credentialsHandlers } from "../lib/auth/credentials_form.ts";

export const handler = credentialsHandlers(signUp);

export default function SignupPage({ data }: PageProps<LoginPageData>) {
  return <LoginWithProviders mode="signup" data={data} />;
}
