package dev.socialcheck.client;

import static java.util.Objects.requireNonNull;

import dev.socialcheck.v1.HasSocialAccountResponse;
import dev.socialcheck.v1.Verdict;

/**
 * The winner of {@link SocialCheckClient#firstFound(java.util.List) firstFound}: the first address
 * that the server reported with an account, and the server's full answer for it.
 *
 * <pre>{@code
 * Optional<FoundAccount> winner =
 *     client.firstFound(List.of("old@email.com", "new@email.com")).get();
 * winner.ifPresent(w -> System.out.println(w.email() + " is on " + w.platform()));
 * }</pre>
 *
 * @param email the address, as given to {@code firstFound}
 * @param response the server's answer; its verdict is {@link Verdict#VERDICT_FOUND}
 */
public record FoundAccount(String email, HasSocialAccountResponse response) {

  /** Checks that the arguments are present. */
  public FoundAccount {
    requireNonNull(email, "email");
    requireNonNull(response, "response");
  }

  /** Id of the platform whose FOUND decided the answer, e.g. {@code github}. */
  public String platform() {
    return response.getFoundOn();
  }
}
