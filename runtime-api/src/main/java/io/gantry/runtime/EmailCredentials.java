package io.gantry.runtime;

/** An email and password, as {@code POST /v2/account/link/email} and {@code unlink/email} send them. */
public record EmailCredentials(String email, String password) {
}
