package io.eventlake.testing;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;

import io.restassured.RestAssured;

/**
 * Base of the capability tests that call the API through RestAssured: every call carries a real admin token
 * (admin holds every role). What each role may and may not do is tested by {@code AccessMatrixTest}.
 */
public abstract class SignedInAsAdmin {

    /** Before each test: a specification takes the port RestAssured has when it is built, set per test by Quarkus. */
    @BeforeEach
    void signIn() {
        RestAssured.requestSpecification = TestIdentity.asAdmin();
    }

    @AfterAll
    static void signOut() {
        RestAssured.requestSpecification = null;
    }
}
