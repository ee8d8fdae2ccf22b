package org.imageportal.dicomweb;

import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

import jakarta.ws.rs.core.MultivaluedMap;

import org.imageportal.dicom.FrameRenderer;
import org.imageportal.platform.errors.ProblemException;
import org.imageportal.platform.errors.ProblemType;

/**
 * What a request for a rendered image or thumbnail (PS3.18 9.5, 9.6) asks for: the media type its Accept header
 * allows (JPEG unless only PNG is acceptable), and the query parameters of PS3.18 8.3.5.1: {@code window} (center,
 * width and function in modality units), {@code viewport} (the box to fit the picture in) and {@code quality} (of a
 * JPEG). Anything malformed is a 400 naming the parameter, an Accept allowing neither type a 406; both before any
 * lookup, so they tell nothing about what exists.
 *
 * @param window the window asked for, or null for the header's
 * @param width the viewport's width, or 0 when none was asked for
 * @param height the viewport's height, or 0 when none was asked for
 */
record RenderedQuery(MediaType type, FrameRenderer.Window window, int width, int height, int quality) {

    /** The rendered media types served. */
    enum MediaType {

        JPEG("image/jpeg"), PNG("image/png");

        final String name;

        MediaType(String name) {
            this.name = name;
        }
    }

    static final int DEFAULT_QUALITY = 90;
    private static final Pattern NUMBER = Pattern.compile("[-+]?(\\d{1,12}(\\.\\d{0,12})?|\\.\\d{1,12})");
    private static final Pattern SIDE = Pattern.compile("[1-9]\\d{0,3}");
    private static final Pattern QUALITY = Pattern.compile("[1-9]\\d?|100");
    private static final Pattern FRAME = Pattern.compile("[1-9]\\d{0,8}");

    static RenderedQuery of(String accept, MultivaluedMap<String, String> parameters) {
        MediaType type = mediaType(accept);
        FrameRenderer.Window window = window(single(parameters, "window"));
        String viewport = single(parameters, "viewport");
        int[] box = viewport == null ? new int[]{0, 0} : viewport(viewport);
        String quality = single(parameters, "quality");
        if (quality != null && !QUALITY.matcher(quality.strip()).matches()) {
            throw ProblemException.invalid("quality", "quality is a whole number from 1 to 100");
        }
        return new RenderedQuery(type, window, box[0], box[1],
                quality == null ? DEFAULT_QUALITY : Integer.parseInt(quality.strip()));
    }

    /** Whether a viewport was asked for. */
    boolean viewport() {
        return width > 0;
    }

    /** The one frame number of a {@code frames/{frame}/rendered} path. */
    static int frame(String frame) {
        if (!FRAME.matcher(frame).matches()) {
            throw ProblemException.invalid("frame", "a rendered frame is named by one frame number, from 1");
        }
        return Integer.parseInt(frame);
    }

    private static String single(MultivaluedMap<String, String> parameters, String name) {
        List<String> values = parameters.get(name);
        if (values == null || values.isEmpty()) {
            return null;
        }
        if (values.size() > 1) {
            throw ProblemException.invalid(name, name + " is given once");
        }
        return values.getFirst();
    }

    private static FrameRenderer.Window window(String value) {
        if (value == null) {
            return null;
        }
        String[] parts = value.split(",", -1);
        String message = "window is center,width,function: two numbers (the width positive, at least 1 for the "
                + "linear function) and linear, linear-exact or sigmoid";
        if (parts.length != 3 || !NUMBER.matcher(parts[0].strip()).matches()
                || !NUMBER.matcher(parts[1].strip()).matches()) {
            throw ProblemException.invalid("window", message);
        }
        FrameRenderer.Function function = switch (parts[2].strip().toLowerCase(Locale.ROOT)) {
            case "linear" -> FrameRenderer.Function.LINEAR;
            case "linear-exact" -> FrameRenderer.Function.LINEAR_EXACT;
            case "sigmoid" -> FrameRenderer.Function.SIGMOID;
            default -> throw ProblemException.invalid("window", message);
        };
        try {
            return new FrameRenderer.Window(Double.parseDouble(parts[0].strip()), Double.parseDouble(parts[1].strip()),
                    function);
        } catch (IllegalArgumentException e) {
            throw ProblemException.invalid("window", message);
        }
    }

    private static int[] viewport(String value) {
        String[] parts = value.split(",", -1);
        if (parts.length != 2 || !SIDE.matcher(parts[0].strip()).matches()
                || !SIDE.matcher(parts[1].strip()).matches()) {
            throw ProblemException.invalid("viewport", "viewport is width,height in pixels, each from 1 to "
                    + FrameRenderer.MAX_VIEWPORT);
        }
        int width = Integer.parseInt(parts[0].strip());
        int height = Integer.parseInt(parts[1].strip());
        if (width > FrameRenderer.MAX_VIEWPORT || height > FrameRenderer.MAX_VIEWPORT) {
            throw ProblemException.invalid("viewport", "viewport is width,height in pixels, each from 1 to "
                    + FrameRenderer.MAX_VIEWPORT);
        }
        return new int[]{width, height};
    }

    /**
     * The type the Accept header prefers: each type's quality is that of the most specific range naming it; at equal
     * quality a type named outright wins over one reached by a wildcard, then the one named first, then JPEG.
     */
    static MediaType mediaType(String accept) {
        if (accept == null || accept.isBlank()) {
            return MediaType.JPEG;
        }
        double[] quality = {-1, -1};
        int[] specificity = {-1, -1};
        int[] order = {Integer.MAX_VALUE, Integer.MAX_VALUE};
        String[] ranges = accept.split(",");
        for (int i = 0; i < ranges.length; i++) {
            String[] params = ranges[i].split(";");
            String range = params[0].strip().toLowerCase(Locale.ROOT);
            double q = 1;
            for (int p = 1; p < params.length; p++) {
                String param = params[p].strip().toLowerCase(Locale.ROOT);
                if (param.startsWith("q=")) {
                    try {
                        q = Double.parseDouble(param.substring(2));
                    } catch (NumberFormatException e) {
                        q = 0;
                    }
                }
            }
            for (MediaType type : MediaType.values()) {
                int s = range.equals(type.name) ? 2 : range.equals("image/*") ? 1 : range.equals("*/*") ? 0 : -1;
                if (s > specificity[type.ordinal()]) {
                    specificity[type.ordinal()] = s;
                    quality[type.ordinal()] = q;
                    order[type.ordinal()] = s == 2 ? i : Integer.MAX_VALUE;
                }
            }
        }
        MediaType chosen = null;
        for (MediaType type : MediaType.values()) {
            int t = type.ordinal();
            if (quality[t] <= 0) {
                continue;
            }
            if (chosen == null) {
                chosen = type;
                continue;
            }
            int c = chosen.ordinal();
            boolean better = quality[t] > quality[c] || quality[t] == quality[c]
                    && (specificity[t] > specificity[c] || specificity[t] == specificity[c] && order[t] < order[c]);
            if (better) {
                chosen = type;
            }
        }
        if (chosen == null) {
            throw new ProblemException(ProblemType.NOT_ACCEPTABLE,
                    "rendered images are available as image/jpeg or image/png");
        }
        return chosen;
    }
}
