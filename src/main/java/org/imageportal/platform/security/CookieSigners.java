package org.imageportal.platform.security;

import jakarta.enterprise.context.ApplicationScoped;

/** Holds the one {@link CookieSigner} built from {@link SecurityConfig#cookieKey()}. */
@ApplicationScoped
public class CookieSigners {

    private final CookieSigner signer;

    CookieSigners(SecurityConfig config) {
        this.signer = new CookieSigner(config.cookieKey());
    }

    public CookieSigner signer() {
        return signer;
    }
}
