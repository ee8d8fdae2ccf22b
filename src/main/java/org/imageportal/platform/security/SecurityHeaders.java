package org.imageportal.platform.security;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.vertx.core.MultiMap;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * Strict security headers on every response, pages, APIs, static files and errors alike. Responses are not
 * cacheable unless a static asset says otherwise: almost everything the portal answers may contain PHI.
 */
@ApplicationScoped
public class SecurityHeaders {

    static final String CSP = String.join("; ",
            "default-src 'self'",
            // the viewer's image codecs are WebAssembly: compiling them needs this, and nothing else (no eval)
            "script-src 'self' 'wasm-unsafe-eval'",
            "style-src 'self'",
            "img-src 'self' data: blob:",
            "font-src 'self'",
            "connect-src 'self'",
            "worker-src 'self' blob:",
            "object-src 'none'",
            "base-uri 'none'",
            "frame-ancestors 'none'",
            "form-action 'self'");

    /** For a PDF shown inline: no scripts, connections or forms of its own, never framed by another site. */
    static final String PDF_CSP = String.join("; ", "default-src 'none'", "img-src 'self' data:",
            "style-src 'unsafe-inline'", "object-src 'self'", "base-uri 'none'", "form-action 'none'",
            "frame-ancestors 'none'");

    void register(@Observes Router router) {
        router.route().order(Integer.MIN_VALUE).handler(this::addHeaders);
    }

    void addHeaders(RoutingContext context) {
        MultiMap headers = context.response().headers();
        headers.set("Content-Security-Policy", CSP);
        headers.set("X-Content-Type-Options", "nosniff");
        headers.set("X-Frame-Options", "DENY");
        headers.set("Referrer-Policy", "no-referrer");
        headers.set("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=(), usb=()");
        headers.set("Cross-Origin-Opener-Policy", "same-origin");
        headers.set("Cross-Origin-Resource-Policy", "same-origin");
        if (Cookies.isSecure(context)) {
            headers.set("Strict-Transport-Security", "max-age=63072000; includeSubDomains");
        }
        context.addHeadersEndHandler(v -> {
            MultiMap out = context.response().headers();
            String type = out.get("Content-Type");
            if (type != null && type.startsWith("application/pdf")) {
                // a report handed to the browser's own PDF viewer: nothing of the document may run or load
                out.set("Content-Security-Policy", PDF_CSP);
            }
            if (!out.contains("Cache-Control") || !isStaticAsset(context.request().path())) {
                out.set("Cache-Control", "no-store");
                out.remove("Expires");
            }
        });
        context.next();
    }

    static boolean isStaticAsset(String path) {
        return path.startsWith("/css/") || path.startsWith("/img/") || path.startsWith("/viewer/assets/");
    }
}
