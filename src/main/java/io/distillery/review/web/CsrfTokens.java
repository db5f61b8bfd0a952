package io.distillery.review.web;

import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Anti-CSRF tokens for the review forms: an HMAC of the signed-in user's name under a server key. Another site
 * cannot read the page that carries the token, so it cannot forge a decision even if the browser sent the login
 * cookie (which SameSite=Strict already prevents). The key derives from the session encryption key when one is
 * configured, so every replica behind a load balancer accepts the others' tokens; otherwise it is random per process.
 */
@ApplicationScoped
public class CsrfTokens {
    private final SecretKeySpec key;

    public CsrfTokens(@ConfigProperty(name = "quarkus.http.auth.session.encryption-key") Optional<String> sessionKey) {
        byte[] k = new byte[32];
        if (sessionKey.isPresent() && !sessionKey.get().isBlank()) {
            try {
                k = MessageDigest.getInstance("SHA-256")
                        .digest(("distillery-review-csrf:" + sessionKey.get()).getBytes(StandardCharsets.UTF_8));
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        } else {
            new SecureRandom().nextBytes(k);
        }
        this.key = new SecretKeySpec(k, "HmacSHA256");
    }

    public String tokenFor(String user) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return Base64.getUrlEncoder().withoutPadding()
                    .encodeToString(mac.doFinal(user.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    public boolean valid(String user, String token) {
        return token != null && MessageDigest.isEqual(tokenFor(user).getBytes(StandardCharsets.US_ASCII),
                token.getBytes(StandardCharsets.US_ASCII));
    }
}
