package org.imageportal.dicomweb;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;

import org.imageportal.dicom.DicomRejection;
import org.imageportal.dicom.EncapsulatedFrames;
import org.imageportal.dicom.FrameDecoder;
import org.imageportal.dicom.InstanceMetadata;
import org.imageportal.dicom.Part10Instance;
import org.imageportal.dicom.Part10Reader;
import org.imageportal.platform.errors.ProblemException;
import org.imageportal.platform.errors.ProblemType;
import org.imageportal.studies.ReadAhead;
import org.imageportal.studies.StudyRecords.StoredInstance;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;

/**
 * The responses of WADO-RS (PS3.18 10.4), whoever asks (an account or a share link): studies, series and
 * instances as multipart/related application/dicom, and their metadata as DICOM JSON. Images are decrypted while
 * they stream; memory stays at a few buffers per request. A stored object that fails authentication is never
 * served: before the first byte it becomes a problem response, later the connection is cut.
 */
@ApplicationScoped
class WadoResponses {

    private static final Pattern RANGE = Pattern.compile("bytes=(\\d*)-(\\d*)");
    private static final Pattern FRAME_LIST = Pattern.compile("[1-9]\\d{0,8}(,[1-9]\\d{0,8}){0,999}");
    private static final int BUFFER = 256 * 1024;
    /** Objects opened ahead of the one being sent (see {@link ReadAhead}). */
    private static final int READ_AHEAD = 2;
    /** Metadata is written this many instances at a time (a few KiB each); up to this many at once on the loop. */
    static final int METADATA_AT_ONCE = 16;
    private static final Part10Reader.Limits METADATA_LIMITS = new Part10Reader.Limits(Long.MAX_VALUE, 64 << 20);

    @Inject
    DicomWebService service;

    /** One instance: a byte range, a single application/dicom body, or multipart, as the client asks. */
    Response instance(List<StoredInstance> found, String accept, String range) {
        if (range != null) {
            return ranged(found.getFirst(), range);
        }
        if (accept != null && accept.toLowerCase().startsWith("application/dicom") && !accept.contains("json")) {
            StoredInstance one = found.getFirst();
            inAskedSyntax(accept, found);
            InputStream first = openVerified(one);
            return Response.ok((StreamingOutput) out -> copy(one, first, out, Long.MAX_VALUE))
                    .type("application/dicom").header("Content-Length", one.size()).build();
        }
        return multipart(accept, found);
    }

    /** The frame numbers of a frames/{list} path, or a problem naming the expected form. */
    static int[] frameNumbers(String frames) {
        if (!FRAME_LIST.matcher(frames).matches()) {
            throw new ProblemException(ProblemType.BAD_REQUEST,
                    "frames are given as a comma-separated list of frame numbers starting at 1, e.g. frames/1,3");
        }
        String[] listed = frames.split(",");
        if (listed.length > MAX_FRAMES_PER_REQUEST) {
            throw new ProblemException(ProblemType.BAD_REQUEST,
                    "at most " + MAX_FRAMES_PER_REQUEST + " frames can be asked for at once");
        }
        int[] numbers = new int[listed.length];
        for (int i = 0; i < listed.length; i++) {
            numbers[i] = parseFrame(listed[i]);
        }
        return numbers;
    }

    /** The most frames one request may list: a multi-frame's frames are fetched in pages, never all at once. */
    static final int MAX_FRAMES_PER_REQUEST = 512;

    private static int parseFrame(String number) {
        try {
            return Integer.parseInt(number);
        } catch (NumberFormatException e) {
            throw new ProblemException(ProblemType.BAD_REQUEST, "frame numbers are between 1 and " + Integer.MAX_VALUE);
        }
    }

    /**
     * The pixel data ({@code frames} null: all of it) or the listed frames, each as a part of multipart/related, in
     * the stored transfer syntax as the Accept header allows (see {@link PixelMediaTypes}); each part's Content-Type
     * names its transfer syntax. Native pixel data is one part for the whole value, encapsulated pixel data one part
     * per frame, its fragments joined. Frames asked for out of order re-open the object; the stream never holds more
     * than its copy buffer.
     */
    Response pixels(String accept, StoredInstance instance, int[] frames) {
        PixelMediaTypes.Choice choice = PixelMediaTypes.choose(accept, instance.transferSyntax());
        if (choice == null) {
            throw new ProblemException(ProblemType.NOT_ACCEPTABLE, PixelMediaTypes.offered(instance.transferSyntax()));
        }
        if (choice.decoded()) {
            return decodedPixels(choice, instance, frames);
        }
        PixelCursor cursor = new PixelCursor(instance);
        int count = cursor.frames();
        if (frames != null) {
            for (int frame : frames) {
                if (frame < 1 || frame > count) {
                    cursor.close();
                    throw new ProblemException(ProblemType.NOT_FOUND,
                            "frame " + frame + " does not exist: the instance has " + count + " frame(s)");
                }
            }
        }
        long[][][] parts = cursor.parts(frames);
        String boundary = UUID.randomUUID().toString();
        StreamingOutput body = out -> {
            try (cursor) {
                for (int i = 0; i < parts.length; i++) {
                    long length = 0;
                    for (long[] range : parts[i]) {
                        length += range[1];
                    }
                    out.write(((i == 0 ? "" : "\r\n") + "--" + boundary + "\r\nContent-Type: " + choice.partType()
                            + "\r\nContent-Length: " + length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                    for (long[] range : parts[i]) {
                        cursor.copy(range[0], range[1], out);
                    }
                }
            }
            out.write(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII));
        };
        return Response.ok(body)
                .type("multipart/related; type=\"" + choice.mediaType() + "\"; boundary=" + boundary).build();
    }

    /**
     * Compressed pixel data decoded to Explicit VR Little Endian, one frame in memory at a time: the listed frames
     * one part each, or all of them as one part (the whole value, as native pixel data would be). Colour leaves as
     * RGB, palette colour as its indexes. The first frame is decoded before the response is committed, so an
     * instance that cannot be decoded is still a problem response; a later frame that fails cuts the connection.
     */
    private Response decodedPixels(PixelMediaTypes.Choice choice, StoredInstance instance, int[] frames) {
        FrameDecoder decoder;
        try {
            decoder = FrameDecoder.open(() -> openVerified(instance));
        } catch (FrameDecoder.Undecodable e) {
            throw notDecodable(instance, e);
        } catch (IOException e) {
            throw service.integrityFailure(instance, e);
        }
        int count = decoder.frames();
        int[] listed = frames != null ? frames : java.util.stream.IntStream.rangeClosed(1, count).toArray();
        byte[] first;
        try {
            for (int frame : listed) {
                if (frame > count) {
                    throw new ProblemException(ProblemType.NOT_FOUND,
                            "frame " + frame + " does not exist: the instance has " + count + " frame(s)");
                }
            }
            first = decoded(decoder, instance, listed[0]);
        } catch (RuntimeException e) {
            closeQuietly(decoder);
            throw e;
        }
        String boundary = UUID.randomUUID().toString();
        StreamingOutput body = out -> {
            try (decoder) {
                for (int i = 0; i < listed.length; i++) {
                    byte[] frame = i == 0 ? first : decoded(decoder, instance, listed[i]);
                    if (i == 0 || frames != null) {
                        long length = frames != null ? frame.length : (long) frame.length * count;
                        out.write(((i == 0 ? "" : "\r\n") + "--" + boundary + "\r\nContent-Type: "
                                + choice.partType() + "\r\nContent-Length: " + length + "\r\n\r\n")
                                .getBytes(StandardCharsets.US_ASCII));
                    }
                    out.write(frame);
                }
            }
            out.write(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII));
        };
        return Response.ok(body)
                .type("multipart/related; type=\"" + choice.mediaType() + "\"; boundary=" + boundary).build();
    }

    private byte[] decoded(FrameDecoder decoder, StoredInstance instance, int frame) {
        try {
            return decoder.decode(frame).nativePixelData();
        } catch (FrameDecoder.Undecodable e) {
            throw notDecodable(instance, e);
        } catch (IOException e) {
            throw service.integrityFailure(instance, e);
        }
    }

    private static ProblemException notDecodable(StoredInstance instance, FrameDecoder.Undecodable e) {
        return new ProblemException(ProblemType.NOT_ACCEPTABLE, "the pixel data cannot be decoded here ("
                + e.getMessage() + "); retrieve the frames as stored (transfer syntax " + instance.transferSyntax()
                + "), e.g. type=\"application/octet-stream\"; transfer-syntax=*");
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception ignored) {
            // nothing more will be read
        }
    }

    /**
     * Reads an instance's pixel data value forwards, native or encapsulated; a position behind the current one opens
     * the object again. Encapsulated pixel data is indexed once when the cursor is made (before the response is
     * committed, so broken items are still a problem response), which reads the value to its end.
     */
    private final class PixelCursor implements AutoCloseable {

        private final StoredInstance instance;
        private Part10Instance.NativeFrames layout;
        private EncapsulatedFrames encapsulated;
        private InputStream object;
        private InputStream pixels;
        private long position;

        PixelCursor(StoredInstance instance) {
            this.instance = instance;
            open();
        }

        int frames() {
            return layout != null ? layout.frames() : encapsulated.frames();
        }

        /** For each part, the ranges of the value it is made of: the whole value, or frame by frame. */
        long[][][] parts(int[] frames) {
            if (layout != null) {
                return frames == null
                        ? new long[][][]{{{0, layout.length()}}}
                        : java.util.Arrays.stream(frames)
                                .mapToObj(f -> new long[][]{{(f - 1) * layout.frameBytes(), layout.frameBytes()}})
                                .toArray(long[][][]::new);
            }
            int[] listed = frames != null ? frames : java.util.stream.IntStream.rangeClosed(1, frames()).toArray();
            return java.util.Arrays.stream(listed).mapToObj(encapsulated::fragments).toArray(long[][][]::new);
        }

        private void open() {
            object = openVerified(instance);
            try {
                Part10Instance parsed = Part10Reader.open(object, METADATA_LIMITS);
                if (parsed.encapsulated()) {
                    if (encapsulated == null) {
                        try {
                            encapsulated = parsed.encapsulatedFrames();
                        } catch (IOException e) {
                            close();
                            throw service.integrityFailure(instance, e);
                        }
                        // the index read the whole value: the first copy opens the object again
                        position = Long.MAX_VALUE;
                        return;
                    }
                    pixels = parsed.encapsulatedValue();
                } else {
                    Part10Instance.NativeFrames frames = parsed.nativeFrames().orElse(null);
                    if (frames == null) {
                        close();
                        throw new ProblemException(ProblemType.NOT_ACCEPTABLE, "this instance has no pixel data "
                                + "that can be served as frames; retrieve the whole instance as application/dicom");
                    }
                    layout = frames;
                    pixels = parsed.pixelValue();
                }
                position = 0;
            } catch (DicomRejection | IOException e) {
                close();
                throw new ProblemException(ProblemType.INTERNAL, "a stored instance cannot be read");
            }
        }

        void copy(long from, long length, OutputStream out) throws IOException {
            if (from < position) {
                close();
                open();
            }
            try {
                pixels.skipNBytes(from - position);
            } catch (IOException e) {
                throw service.integrityFailure(instance, e);
            }
            WadoResponses.this.copy(instance, pixels, out, length);
            position = from + length;
        }

        @Override
        public void close() {
            try {
                if (object != null) {
                    object.close();
                }
            } catch (IOException ignored) {
                // nothing more will be read
            }
        }
    }

    Response multipart(String accept, List<StoredInstance> instances) {
        if (accept != null && !acceptsMultipartDicom(accept)) {
            throw new ProblemException(ProblemType.NOT_ACCEPTABLE,
                    "available as multipart/related; type=\"application/dicom\"");
        }
        inAskedSyntax(accept, instances);
        String boundary = UUID.randomUUID().toString();
        InputStream first = openVerified(instances.getFirst());
        StreamingOutput body = out -> {
            try (ReadAhead ahead = new ReadAhead(instances, 1, READ_AHEAD, this::openVerified)) {
                for (int i = 0; i < instances.size(); i++) {
                    StoredInstance instance = instances.get(i);
                    String head = (i == 0 ? "" : "\r\n") + "--" + boundary + "\r\nContent-Type: application/dicom; "
                            + "transfer-syntax=" + instance.transferSyntax() + "\r\nContent-Length: "
                            + instance.size() + "\r\n\r\n";
                    out.write(head.getBytes(StandardCharsets.US_ASCII));
                    copy(instance, i == 0 ? first : ahead.next(), out, Long.MAX_VALUE);
                }
            }
            out.write(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII));
        };
        return Response.ok(body).type("multipart/related; type=\"application/dicom\"; boundary=" + boundary)
                .build();
    }

    /**
     * Whole instances leave in the syntax they were stored in: a 406 naming the stored syntaxes when the Accept asks
     * for another (PS3.18 8.7.3.5: the asked syntax or nothing), before anything is read.
     */
    private static void inAskedSyntax(String accept, List<StoredInstance> instances) {
        java.util.Set<String> refused = new java.util.TreeSet<>();
        for (StoredInstance instance : instances) {
            if (!PixelMediaTypes.instanceAllows(accept, instance.transferSyntax())) {
                refused.add(instance.transferSyntax());
            }
        }
        if (!refused.isEmpty()) {
            throw new ProblemException(ProblemType.NOT_ACCEPTABLE, "whole instances are sent as they were stored, "
                    + "and " + (instances.size() == 1 ? "this one is" : "some are") + " in transfer syntax "
                    + String.join(", ", refused) + ": ask for that syntax or transfer-syntax=*, or retrieve the "
                    + "frames, which can be decoded to Explicit VR Little Endian");
        }
    }

    private static boolean acceptsMultipartDicom(String accept) {
        return acceptsMultipart(accept, "application/dicom");
    }

    /** Whether the Accept header allows multipart/related whose parts are {@code type}. */
    private static boolean acceptsMultipart(String accept, String type) {
        for (String option : accept.split(",")) {
            String o = option.strip().toLowerCase();
            if (o.startsWith("*/*") || o.startsWith("multipart/*")
                    || o.startsWith("multipart/related") && (!o.contains("type=") || o.contains(type + "\"")
                            || o.contains("type=" + type + ";") || o.endsWith("type=" + type))) {
                return true;
            }
        }
        return false;
    }

    private Response ranged(StoredInstance instance, String range) {
        Matcher m = RANGE.matcher(range.strip());
        long size = instance.size();
        if (!m.matches() || m.group(1).isEmpty() && m.group(2).isEmpty()) {
            throw rangeNotSatisfiable(size);
        }
        long start;
        long end;
        if (m.group(1).isEmpty()) {
            long suffix = position(m.group(2), size);
            start = Math.max(0, size - suffix);
            end = size - 1;
        } else {
            start = position(m.group(1), size);
            end = m.group(2).isEmpty() ? size - 1 : Math.min(size - 1, position(m.group(2), size));
        }
        if (start >= size || end < start) {
            throw rangeNotSatisfiable(size);
        }
        InputStream in = openVerified(instance);
        long from = start;
        long length = end - start + 1;
        StreamingOutput body = out -> {
            in.skipNBytes(from);
            copy(instance, in, out, length);
        };
        return Response.status(206).entity(body).type("application/dicom")
                .header("Content-Range", "bytes " + start + "-" + end + "/" + size).header("Content-Length", length)
                .header("Accept-Ranges", "bytes").build();
    }

    /** A byte position of a Range header; digits beyond what a long holds are past any object's end. */
    private static long position(String digits, long size) {
        try {
            return Long.parseLong(digits);
        } catch (NumberFormatException e) {
            return Long.MAX_VALUE;
        }
    }

    private static ProblemException rangeNotSatisfiable(long size) {
        return new ProblemException(ProblemType.RANGE_NOT_SATISFIABLE,
                "the requested range is not satisfiable for an object of " + size + " bytes");
    }

    /**
     * DICOM JSON of the instances; BulkDataURIs point under {@code dicomwebRoot} (the URL ending in /dicomweb). Each
     * instance's metadata comes from the index, where ingest keeps it sealed with the study's key; an instance
     * stored before that is read from its image.
     */
    Response metadata(List<StoredInstance> instances, String dicomwebRoot) {
        // the first is authenticated before committing to a 200
        InstanceMetadata first = metadataOf(instances.getFirst());
        StreamingOutput body = out -> {
            for (int from = 0; from < instances.size(); from += METADATA_AT_ONCE) {
                out.write(metadataBatch(instances, from, Math.min(instances.size(), from + METADATA_AT_ONCE), first,
                        dicomwebRoot));
            }
        };
        return Response.ok(body).type(DicomWebEndpoints.DICOM_JSON).build();
    }

    /**
     * The same for an endpoint on the event loop, as the parts of a streamed body. A few instances whose metadata
     * the index holds (a recipient's first request, a short series) are decrypted and written at once, in memory, so
     * that any failure is still a problem response. More, or an instance to be read from the store, are written on a
     * worker thread a batch at a time as the client takes them (memory stays flat); the first is authenticated before
     * the 200 is committed, a later failure cuts the connection.
     */
    Uni<Multi<byte[]>> metadataParts(List<StoredInstance> instances, String dicomwebRoot) {
        if (instances.size() > METADATA_AT_ONCE || instances.stream().anyMatch(i -> i.metadata() == null)) {
            int batches = (instances.size() + METADATA_AT_ONCE - 1) / METADATA_AT_ONCE;
            return Uni.createFrom().item(() -> metadataOf(instances.getFirst()))
                    .runSubscriptionOn(Infrastructure.getDefaultWorkerPool())
                    .map(first -> Multi.createFrom().range(0, batches).emitOn(Infrastructure.getDefaultWorkerPool())
                            .map(batch -> metadataBatch(instances, batch * METADATA_AT_ONCE,
                                    Math.min(instances.size(), (batch + 1) * METADATA_AT_ONCE), first,
                                    dicomwebRoot)));
        }
        return Uni.createFrom().item(() -> Multi.createFrom().item(metadataBatch(instances, 0, instances.size(),
                metadataOf(instances.getFirst()), dicomwebRoot)));
    }

    /** Instances [from, to) of the JSON array, with its opening and closing bracket where they fall. */
    private byte[] metadataBatch(List<StoredInstance> instances, int from, int to, InstanceMetadata first,
            String dicomwebRoot) {
        var out = new java.io.ByteArrayOutputStream(4096 * (to - from) + 2);
        try {
            out.write(from == 0 ? '[' : ',');
            for (int i = from; i < to; i++) {
                if (i > from) {
                    out.write(',');
                }
                StoredInstance instance = instances.get(i);
                (i == 0 ? first : metadataOf(instance)).writeTo(out, dicomwebRoot + "/studies/" + instance.studyUid()
                        + "/series/" + instance.seriesUid() + "/instances/" + instance.sopInstanceUid()
                        + "/bulkdata/7FE00010");
            }
            if (to == instances.size()) {
                out.write(']');
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e); // writes to memory do not fail
        }
        return out.toByteArray();
    }

    private InstanceMetadata metadataOf(StoredInstance instance) {
        try {
            if (instance.metadata() != null) {
                return InstanceMetadata.of(service.openMetadata(instance));
            }
            try (InputStream in = service.open(instance)) {
                return Part10Reader.open(in, METADATA_LIMITS).metadata();
            }
        } catch (IOException e) {
            throw service.integrityFailure(instance, e);
        } catch (DicomRejection | IllegalArgumentException e) {
            throw new ProblemException(ProblemType.INTERNAL, "a stored instance cannot be read");
        }
    }

    /**
     * Opens and authenticates the first segment, so that tampering found here is still a proper error response (and,
     * opened ahead, the next instances are decrypted while the current one is sent).
     */
    private InputStream openVerified(StoredInstance instance) {
        InputStream in = service.open(instance);
        try {
            return ReadAhead.started(in);
        } catch (IOException e) {
            throw service.integrityFailure(instance, e);
        }
    }

    private void copy(StoredInstance instance, InputStream in, OutputStream out, long max) throws IOException {
        if (max == Long.MAX_VALUE) {
            copyAll(instance, in, out);
            return;
        }
        try (in) {
            byte[] buffer = new byte[BUFFER];
            long left = max;
            while (left > 0) {
                int n;
                try {
                    n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
                } catch (IOException e) {
                    // headers are sent: cut the connection rather than send bytes that did not authenticate
                    throw service.integrityFailure(instance, e);
                }
                if (n < 0) {
                    break;
                }
                out.write(buffer, 0, n);
                left -= n;
            }
        }
    }

    /**
     * All of {@code in}: a decrypting stream writes its segments to {@code out} from its own buffer. A failure to
     * read is an integrity failure (the connection is cut), a failure to write is the client's and is passed on.
     */
    private void copyAll(StoredInstance instance, InputStream in, OutputStream out) throws IOException {
        ClientSink sink = new ClientSink(out);
        try (in) {
            try {
                in.transferTo(sink);
            } catch (IOException e) {
                if (e == sink.failure) {
                    throw e;
                }
                throw service.integrityFailure(instance, e);
            }
        }
    }

    /** The response body, remembering a failure of its own so that it is not taken for the object's. */
    private static final class ClientSink extends OutputStream {

        private final OutputStream out;
        private IOException failure;

        ClientSink(OutputStream out) {
            this.out = out;
        }

        @Override
        public void write(int b) throws IOException {
            try {
                out.write(b);
            } catch (IOException e) {
                failure = e;
                throw e;
            }
        }

        @Override
        public void write(byte[] bytes, int offset, int length) throws IOException {
            try {
                out.write(bytes, offset, length);
            } catch (IOException e) {
                failure = e;
                throw e;
            }
        }
    }
}
