package org.imageportal.support;

import java.net.URL;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import io.quarkus.test.common.http.TestHTTPResource;

/** Base of the browser journeys: one Chromium per class, and the portal's address. */
public abstract class BrowserTest {

    protected static Browser browser;

    @TestHTTPResource("/")
    URL base;

    @BeforeAll
    static void startBrowser() {
        browser = new Browser();
    }

    @AfterAll
    static void stopBrowser() {
        browser.close();
    }

    protected String url(String path) {
        return base.toString().replaceAll("/$", "") + path;
    }
}
