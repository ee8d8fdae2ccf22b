package org.imageportal.dicomweb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import jakarta.ws.rs.core.MultivaluedHashMap;

import org.imageportal.dicom.FrameRenderer;
import org.imageportal.dicomweb.RenderedQuery.MediaType;
import org.imageportal.platform.errors.ProblemException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** What a rendered request's Accept header and query parameters come to, and which of them are refused. */
class RenderedQueryTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {"'' | JPEG", "*/* | JPEG", "image/* | JPEG", "image/jpeg | JPEG",
            "image/png | PNG", "'image/png, image/jpeg' | PNG", "'image/jpeg, image/png' | JPEG",
            "'image/png, */*' | PNG", "'*/*, image/png' | PNG", "'image/png;q=0.5, image/jpeg' | JPEG",
            "'image/jpeg;q=0.4, image/png;q=0.8' | PNG", "'image/jpeg;q=0, */*' | PNG",
            "'application/dicom, image/png;q=0.1' | PNG", "'IMAGE/PNG' | PNG"})
    void theAcceptHeaderChoosesTheType(String accept, MediaType expected) {
        assertThat(RenderedQuery.mediaType(accept)).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"image/gif", "application/dicom", "'image/jpeg;q=0, image/png;q=0'",
            "'image/*;q=0'", "text/html"})
    void anAcceptAllowingNeitherTypeIsRefused(String accept) {
        assertThatThrownBy(() -> RenderedQuery.mediaType(accept)).isInstanceOf(ProblemException.class)
                .satisfies(e -> assertThat(((ProblemException) e).problem().status()).isEqualTo(406));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"window | 40,400,linear | 40 | 400 | LINEAR",
            "window | -300.5,1200,LINEAR-EXACT | -300.5 | 1200 | LINEAR_EXACT",
            "window | 40, 0.5 ,sigmoid | 40 | 0.5 | SIGMOID"})
    void aWindowIsCenterWidthAndFunction(String name, String value, double center, double width,
            FrameRenderer.Function function) {
        var parameters = new MultivaluedHashMap<String, String>();
        parameters.add(name, value);
        assertThat(RenderedQuery.of(null, parameters).window())
                .isEqualTo(new FrameRenderer.Window(center, width, function));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"window | 40", "window | 40,400", "window | 40,0,linear",
            "window | 40,0.5,linear", "window | 40,400,cubic", "window | Infinity,400,linear",
            "window | 0x10,400,linear",
            "viewport | 0,10", "viewport | 4097,10", "viewport | 10", "viewport | 10,10,0,0", "quality | 0",
            "quality | 101", "quality | 9.5"})
    void aMalformedParameterIsRefusedByName(String name, String value) {
        var parameters = new MultivaluedHashMap<String, String>();
        parameters.add(name, value);
        assertThatThrownBy(() -> RenderedQuery.of(null, parameters)).isInstanceOf(ProblemException.class)
                .satisfies(e -> assertThat(((ProblemException) e).problem().violations().getFirst().field())
                        .isEqualTo(name));
    }
}
