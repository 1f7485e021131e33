package io.gantry.server;

import com.google.gson.JsonObject;
import io.gantry.server.testing.TestServer;
import io.gantry.server.testing.TestUser;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.Locale;
import java.util.UUID;

import static io.gantry.server.Rest.assertError;
import static io.gantry.server.Rest.assertOk;
import static io.gantry.server.Rest.emailBody;
import static io.gantry.server.Rest.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** POST /v2/account/authenticate/email: passwords, address rules, case-insensitive addresses. */
class EmailAuthenticationTest {

    private static final String PATH = "/v2/account/authenticate/email";

    static TestServer server;

    @BeforeAll
    static void start() throws InterruptedException {
        server = TestServer.start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static HttpResponse<String> auth(String query, String body) {
        return server.postWithServerKey(PATH + query, body);
    }

    private static String newEmail() {
        return "Player." + UUID.randomUUID().toString().substring(0, 8) + "@Example.com";
    }

    private static String uid(HttpResponse<String> response) {
        return TestUser.claims(json(response).get("token").getAsString()).get("uid").getAsString();
    }

    @Test
    void createsThenLogsInWithTheRightPassword() {
        String email = newEmail();
        HttpResponse<String> created = auth("?create=true", emailBody(email, "correct-horse"));
        assertOk(created);
        assertTrue(json(created).get("created").getAsBoolean());

        HttpResponse<String> login = auth("?create=true", emailBody(email, "correct-horse"));
        assertOk(login);
        JsonObject session = json(login);
        assertFalse(session.has("created") && session.get("created").getAsBoolean(), login.body());
        assertEquals(uid(created), uid(login));

        HttpResponse<String> loginNoCreate = auth("?create=false", emailBody(email, "correct-horse"));
        assertOk(loginNoCreate);
        assertEquals(uid(created), uid(loginNoCreate));
    }

    @Test
    void wrongPasswordIsInvalidCredentials() {
        String email = newEmail();
        assertOk(auth("?create=true", emailBody(email, "correct-horse")));
        assertError(auth("?create=true", emailBody(email, "wrong-horse")), 401, 16, "Invalid credentials.");
        assertError(auth("?create=false", emailBody(email, "wrong-horse")), 401, 16, "Invalid credentials.");
    }

    @Test
    void addressIsCaseInsensitive() {
        String email = newEmail();
        HttpResponse<String> created = auth("?create=true", emailBody(email, "correct-horse"));
        assertOk(created);
        HttpResponse<String> upper = auth("?create=false", emailBody(email.toUpperCase(Locale.ROOT), "correct-horse"));
        assertOk(upper);
        assertEquals(uid(created), uid(upper));
        HttpResponse<String> lower = auth("?create=true", emailBody(email.toLowerCase(Locale.ROOT), "correct-horse"));
        assertOk(lower);
        assertFalse(json(lower).has("created") && json(lower).get("created").getAsBoolean(), lower.body());
        assertEquals(uid(created), uid(lower));
    }

    @Test
    void badAddressFormatIsBadInput() {
        assertError(auth("?create=true", emailBody("not-an-email-address", "correct-horse")), 400, 3,
                "Invalid email address format.");
        assertError(auth("?create=true", emailBody("a@b.c", "correct-horse")), 400, 3,
                "Invalid email address, must be 10-255 bytes.");
        assertError(auth("?create=true", emailBody("has space@example.com", "correct-horse")), 400, 3, null);
        assertError(auth("?create=true", emailBody("", "correct-horse")), 400, 3, "Email address is required.");
    }

    @Test
    void shortPasswordIsBadInput() {
        assertError(auth("?create=true", emailBody(newEmail(), "short")), 400, 3,
                "Password must be at least 8 characters long.");
        assertError(auth("?create=true", emailBody(newEmail(), "")), 400, 3, "Password is required.");
    }

    @Test
    void unknownAddressWithoutCreateIsNotFound() {
        assertError(auth("?create=false", emailBody(newEmail(), "correct-horse")), 404, 5, "User account not found.");
    }
}
