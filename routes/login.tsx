import type { PageProps } from "../lib/web/types.ts";
import {
  type LoginPageData,
  LoginWithProviders,
} from "../components/provider_links.tsx";
import { logIn } from "../lib/auth/accounts.ts";
import { credentialsHandlers } from "../lib/auth/credentials_form.ts";

export const handler = credentialsHandlers(logIn);

export default function LoginPage({ data }: PageProps<LoginPageData>) {
  return <LoginWithProviders data={data} />;
}
