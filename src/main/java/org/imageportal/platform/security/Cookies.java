package org.imageportal.platform.security;

import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.ext.web.RoutingContext;

/** The portal's own cookies: always HttpOnly, Secure over TLS, explicit SameSite. */
public final class Cookies {

    private Cookies() {
    }

    public static void set(RoutingContext context, String name, String value, long maxAgeSeconds,
            CookieSameSite sameSite) {
        set(context, name, value, "/", maxAgeSeconds, sameSite);
    }

    /** A cookie sent back only for requests under {@code path}. */
    public static void set(RoutingContext context, String name, String value, String path, long maxAgeSeconds,
            CookieSameSite sameSite) {
        Cookie cookie = Cookie.cookie(name, value).setPath(path).setHttpOnly(true).setSameSite(sameSite)
                .setSecure(isSecure(context));
        if (maxAgeSeconds >= 0) {
            cookie.setMaxAge(maxAgeSeconds);
        }
        context.response().addCookie(cookie);
    }

    public static void clear(RoutingContext context, String name) {
        set(context, name, "", 0, CookieSameSite.LAX);
    }

    public static String value(RoutingContext context, String name) {
        Cookie cookie = context.request().getCookie(name);
        return cookie == null ? null : cookie.getValue();
    }

    public static boolean isSecure(RoutingContext context) {
        return "https".equalsIgnoreCase(context.request().scheme());
    }
}
