package io.eventlake.testing;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import io.restassured.RestAssured;

/**
 * Base of the capability tests that call the API through RestAssured: every call carries a real admin token
 * (admin holds every role). What each role may and may not do is tested by {@code AccessMatrixTest}.
 */
public abstract class SignedInAsAdmin {

    @BeforeAll
    static void signIn() {
        RestAssured.requestSpecification = TestIdentity.asAdmin();
    }

    @AfterAll
    static void signOut() {
        RestAssured.requestSpecification = null;
    }
}
