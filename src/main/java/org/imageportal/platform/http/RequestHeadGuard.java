package org.imageportal.platform.http;

import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.ObservesAsync;

import org.imageportal.platform.errors.Problem;
import org.imageportal.platform.errors.ProblemType;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.util.ReferenceCountUtil;
import io.quarkus.vertx.http.HttpServerOptionsCustomizer;
import io.quarkus.vertx.http.HttpServerStart;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.impl.VertxInternal;
import io.vertx.core.net.impl.TCPServerBase;

/**
 * What happens to a request's head (request line and headers) before Vert.x sees it.
 * <ul>
 * <li>A deadline: from a connection's opening, or from the first byte of its next request, until the head has
 * arrived. Without it a client that sends its headers a byte at a time holds a connection for as long as it likes (the
 * idle timeout restarts with every byte), and a few hundred such clients hold every connection the portal has. A late
 * head is answered with a 408 problem and the connection closed.</li>
 * <li>A head the HTTP decoder refuses (a request line or headers past its limits, which are four times the portal's
 * own, or a malformed line) gets a 414, 431 or 400 problem instead of Vert.x's empty answer.</li>
 * </ul>
 * Vert.x 4.5 has neither and Quarkus offers no hook on new connections, so once the HTTP server is bound this adds a
 * handler to its listening channel that gives every accepted connection two small handlers: a clock ahead of
 * everything, which sees bytes arrive, and a watcher behind the HTTP decoder, which sees each head complete (the
 * clock stops) or refused, and each request end (the next byte starts the clock again). Both write their answers as
 * raw bytes, being ahead of the HTTP encoder. Reaching the listening channel takes one private field of Vert.x; if
 * that ever moves, startup logs an error and {@code HeaderDeadlineTest} fails.
 * <p>
 * Cleartext HTTP/2 (h2c) is switched off: browsers never use it, the reverse proxy speaks HTTP/1.1 to the portal, and
 * an h2c upgrade through a proxy is a known way to smuggle requests past it. It also means the HTTP/1 decoder is in
 * place from a connection's first byte.
 */
@ApplicationScoped
public class RequestHeadGuard implements HttpServerOptionsCustomizer {

    private static final Logger LOG = Logger.getLogger(RequestHeadGuard.class);
    private static final String ACCEPTOR = "portal-head-deadline-acceptor";
    private static final String CLOCK = "portal-head-deadline";
    private static final String SEEN = "portal-head-seen";
    private static final String DECODER = "httpDecoder";
    private static final String TLS = "ssl";

    private final HttpLimitsConfig config;
    private final Vertx vertx;
    private final Answers answers;

    RequestHeadGuard(HttpLimitsConfig config, Vertx vertx, ObjectMapper json) throws JsonProcessingException {
        this.config = config;
        this.vertx = vertx;
        this.answers = new Answers(
                answer(json, Problem.of(ProblemType.REQUEST_TIMEOUT, "The request's headers took longer than "
                        + config.headerTimeout().toSeconds() + " s to arrive.")),
                answer(json, Problem.of(ProblemType.URI_TOO_LONG,
                        "An address may be at most " + config.maxUriBytes() + " characters long.")),
                answer(json, Problem.of(ProblemType.HEADERS_TOO_LARGE,
                        "A request's headers may be at most " + config.maxHeaderBytes() + " bytes long.")),
                answer(json, Problem.of(ProblemType.BAD_REQUEST, "The request's line or headers are malformed.")));
    }

    /** A whole HTTP/1.1 answer carrying the problem, after which the connection is closed. */
    private static byte[] answer(ObjectMapper json, Problem problem) throws JsonProcessingException {
        byte[] body = json.writeValueAsBytes(problem);
        String head = "HTTP/1.1 " + HttpResponseStatus.valueOf(problem.status())
                + "\r\nContent-Type: application/problem+json"
                + "\r\nContent-Length: " + body.length + "\r\nConnection: close\r\n\r\n";
        byte[] start = head.getBytes(StandardCharsets.US_ASCII);
        byte[] whole = new byte[start.length + body.length];
        System.arraycopy(start, 0, whole, 0, start.length);
        System.arraycopy(body, 0, whole, start.length, body.length);
        return whole;
    }

    /** The whole answers written before Vert.x sees a request. */
    record Answers(byte[] late, byte[] uriTooLong, byte[] headersTooLarge, byte[] malformed) {
    }

    @Override
    public void customizeHttpServer(HttpServerOptions options) {
        options.setHttp2ClearTextEnabled(false);
    }

    /** Once a server is bound (the event comes for each of its listeners): give its listening channel the acceptor. */
    void started(@ObservesAsync HttpServerStart started) {
        try {
            Field bound = TCPServerBase.class.getDeclaredField("bindFuture");
            bound.setAccessible(true);
            for (var server : ((VertxInternal) vertx).sharedHttpServers().values()) {
                @SuppressWarnings("unchecked")
                var future = (io.vertx.core.Future<Channel>) bound.get(server);
                if (future != null && future.succeeded()) {
                    install(future.result());
                }
            }
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.errorf("Request heads are neither timed out nor refused with problems: the HTTP server's listening "
                    + "channel was not found (%s)", e.toString());
        }
    }

    private synchronized void install(Channel listening) {
        if (listening.pipeline().get(ACCEPTOR) == null) {
            long millis = Math.max(0, config.headerTimeout().toMillis());
            listening.pipeline().addFirst(ACCEPTOR, new Acceptor(millis, answers));
            LOG.debugf("Request heads time out after %d ms on %s", millis, listening.localAddress());
        }
    }

    /** On the listening channel: each accepted connection gets its own clock ahead of everything else. */
    @ChannelHandler.Sharable
    private static final class Acceptor extends ChannelInboundHandlerAdapter {

        private final long millis;
        private final Answers answers;

        Acceptor(long millis, Answers answers) {
            this.millis = millis;
            this.answers = answers;
        }

        @Override
        public void channelRead(ChannelHandlerContext context, Object message) {
            if (message instanceof Channel accepted) {
                accepted.pipeline().addFirst(CLOCK, new Clock(millis, answers, System::nanoTime));
            }
            context.fireChannelRead(message);
        }
    }

    /** What a connection is waiting for. */
    private enum Awaiting {
        /** a request's head, on the clock */
        HEAD,
        /** the rest of a request whose head is in */
        BODY,
        /** nothing: between requests, until the next byte */
        NEXT
    }

    /**
     * One connection's clock, first in its pipeline, with its watcher right behind the HTTP decoder.
     * <p>
     * A deadline that comes due while its event loop is busy elsewhere (a long handler of another connection, a
     * pause of the whole process) may run before the loop has read what the client sent meanwhile: the loop runs its
     * due tasks before it looks at its sockets again. So a deadline that fires late says nothing about the client;
     * it waits a moment more, in which the loop reads what is there, and only a deadline that fires on time answers.
     */
    static final class Clock extends ChannelInboundHandlerAdapter {

        /** How late a deadline may fire and still be the client's fault. */
        static final long LATE_TOLERANCE_MILLIS = 250;
        /** The moment more a late deadline waits, for the loop to read what the client sent. */
        static final long GRACE_MILLIS = 1000;

        private final long millis;
        private final Answers answers;
        private final LongSupplier nanos;
        private Awaiting awaiting = Awaiting.HEAD;
        private ScheduledFuture<?> deadline;
        private long due;

        Clock(long millis, Answers answers, LongSupplier nanos) {
            this.millis = millis;
            this.answers = answers;
            this.nanos = nanos;
        }

        @Override
        public void channelActive(ChannelHandlerContext context) {
            var pipeline = context.pipeline();
            if (pipeline.get(DECODER) == null || pipeline.get(TLS) != null) {
                // TLS ends at the reverse proxy; a portal serving TLS itself has Vert.x's handshake timeout only
                pipeline.remove(this);
            } else {
                pipeline.addAfter(DECODER, SEEN, new Seen(this));
                start(context);
            }
            context.fireChannelActive();
        }

        @Override
        public void channelRead(ChannelHandlerContext context, Object message) {
            if (awaiting == Awaiting.NEXT) {
                awaiting = Awaiting.HEAD;
                start(context);
            }
            context.fireChannelRead(message);
        }

        @Override
        public void channelInactive(ChannelHandlerContext context) {
            stop();
            context.fireChannelInactive();
        }

        private void start(ChannelHandlerContext context) {
            arm(context, millis);
        }

        private void arm(ChannelHandlerContext context, long after) {
            stop();
            if (after > 0) {
                due = nanos.getAsLong() + TimeUnit.MILLISECONDS.toNanos(after);
                deadline = context.executor().schedule(() -> late(context), after, TimeUnit.MILLISECONDS);
            }
        }

        private void stop() {
            if (deadline != null) {
                deadline.cancel(false);
                deadline = null;
            }
        }

        void headIn() {
            awaiting = Awaiting.BODY;
            stop();
        }

        void requestEnded() {
            awaiting = Awaiting.NEXT;
        }

        private void late(ChannelHandlerContext context) {
            if (awaiting != Awaiting.HEAD || !context.channel().isActive()) {
                return;
            }
            if (!context.channel().config().isAutoRead()) {
                // Vert.x stopped reading (a pipelined request waits for the one before it): the delay is ours
                start(context);
                return;
            }
            if (TimeUnit.NANOSECONDS.toMillis(nanos.getAsLong() - due) > LATE_TOLERANCE_MILLIS) {
                // the loop was busy when this came due: what the client sent may be waiting unread
                arm(context, GRACE_MILLIS);
                return;
            }
            LOG.debugf("A request's head took longer than %d ms; connection from %s closed", millis,
                    context.channel().remoteAddress());
            send(context, answers.late());
        }
    }

    /** Writes a whole answer as it is (from ahead of the HTTP encoder) and closes the connection after it. */
    private static void send(ChannelHandlerContext context, byte[] answer) {
        context.writeAndFlush(Unpooled.wrappedBuffer(answer)).addListener(ChannelFutureListener.CLOSE);
    }

    /**
     * Behind the HTTP decoder: sees each head complete and each request end, and answers a head the decoder refused
     * itself (the decoder then discards whatever else the connection sends).
     */
    private static final class Seen extends ChannelInboundHandlerAdapter {

        private final Clock clock;

        Seen(Clock clock) {
            this.clock = clock;
        }

        @Override
        public void channelRead(ChannelHandlerContext context, Object message) {
            if (message instanceof HttpRequest request) {
                clock.headIn();
                if (request.decoderResult().isFailure()) {
                    Throwable cause = request.decoderResult().cause();
                    ReferenceCountUtil.release(message);
                    send(context, cause instanceof TooLongHttpLineException
                            ? clock.answers.uriTooLong()
                            : cause instanceof TooLongHttpHeaderException
                                    ? clock.answers.headersTooLarge()
                                    : clock.answers.malformed());
                    return;
                }
            }
            if (message instanceof LastHttpContent) {
                clock.requestEnded();
            }
            context.fireChannelRead(message);
        }
    }
}
