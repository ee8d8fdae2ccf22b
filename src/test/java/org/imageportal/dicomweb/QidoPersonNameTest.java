package org.imageportal.dicomweb;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** QIDO-RS answers a Person Name as its component groups, as metadata does, never as one alphabetic string. */
class QidoPersonNameTest {

    @Test
    void ideographicAndPhoneticGroupsAreSeparated() {
        Map<String, Object> json = new LinkedHashMap<>();
        DicomWebEndpoints.personName(json, "00100010", "Yamada^Tarou=山田^太郎=やまだ^たろう");
        @SuppressWarnings("unchecked")
        Map<String, Object> name = (Map<String, Object>) ((List<?>) ((Map<?, ?>) json.get("00100010")).get("Value"))
                .getFirst();
        assertThat(name).containsEntry("Alphabetic", "Yamada^Tarou").containsEntry("Ideographic", "山田^太郎")
                .containsEntry("Phonetic", "やまだ^たろう");

        DicomWebEndpoints.personName(json, "00100010", "=山田^太郎");
        @SuppressWarnings("unchecked")
        Map<String, Object> only = (Map<String, Object>) ((List<?>) ((Map<?, ?>) json.get("00100010")).get("Value"))
                .getFirst();
        assertThat(only).containsOnlyKeys("Ideographic");
    }
}
