package org.imageportal.dicom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Random;

import org.junit.jupiter.api.Test;

/** The association request is read bounded and checked before the toolkit sees it; hostile bytes only refuse. */
class AssociateRequestTest {

    static byte[] request(String called, String calling) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(new byte[]{0, 1, 0, 0});
        body.writeBytes(String.format("%-16s%-16s", called, calling).getBytes(StandardCharsets.US_ASCII));
        body.writeBytes(new byte[32]);
        byte[] context = "1.2.840.10008.3.1.1.1".getBytes(StandardCharsets.US_ASCII);
        body.writeBytes(new byte[]{0x10, 0, 0, (byte) context.length});
        body.writeBytes(context);
        byte[] syntax = "1.2.840.10008.1.1".getBytes(StandardCharsets.US_ASCII);
        byte[] ts = "1.2.840.10008.1.2".getBytes(StandardCharsets.US_ASCII);
        int length = 4 + 4 + syntax.length + 4 + ts.length;
        body.writeBytes(new byte[]{0x20, 0, 0, (byte) length, 1, 0, 0, 0, 0x30, 0, 0, (byte) syntax.length});
        body.writeBytes(syntax);
        body.writeBytes(new byte[]{0x40, 0, 0, (byte) ts.length});
        body.writeBytes(ts);
        byte[] items = body.toByteArray();
        ByteArrayOutputStream pdu = new ByteArrayOutputStream();
        pdu.writeBytes(new byte[]{1, 0, 0, 0, (byte) (items.length >> 8), (byte) items.length});
        pdu.writeBytes(items);
        return pdu.toByteArray();
    }

    static AssociateRequest read(byte[] bytes) throws Exception {
        return AssociateRequest.read(new ByteArrayInputStream(bytes), 64 * 1024);
    }

    @Test
    void theAeTitlesAreReadWithoutTheirPadding() throws Exception {
        AssociateRequest request = read(request("PORTAL", "CT1"));
        assertThat(request.calledAeTitle()).isEqualTo("PORTAL");
        assertThat(request.callingAeTitle()).isEqualTo("CT1");
        assertThat(request.pdu()).isEqualTo(request("PORTAL", "CT1"));
    }

    @Test
    void anotherFirstPduIsRefused() {
        byte[] bytes = request("PORTAL", "CT1");
        bytes[0] = 0x04;
        assertThatThrownBy(() -> read(bytes)).isInstanceOf(AssociateRequest.Malformed.class);
    }

    @Test
    void aLengthOverTheLimitIsRefusedBeforeAnythingIsAllocated() {
        byte[] bytes = {1, 0, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xf0};
        assertThatThrownBy(() -> read(bytes)).isInstanceOf(AssociateRequest.Malformed.class)
                .hasMessageContaining("length");
    }

    @Test
    void anItemLongerThanTheRequestIsRefused() {
        byte[] bytes = request("PORTAL", "CT1");
        bytes[6 + 68 + 2] = (byte) 0x7f;
        assertThatThrownBy(() -> read(bytes)).isInstanceOf(AssociateRequest.Malformed.class);
    }

    @Test
    void emptyOrInvalidAeTitlesAreRefused() {
        assertThatThrownBy(() -> read(request("PORTAL", " "))).isInstanceOf(AssociateRequest.Malformed.class);
        assertThatThrownBy(() -> read(request("POR\\TAL", "CT1"))).isInstanceOf(AssociateRequest.Malformed.class);
        assertThat(AssociateRequest.validAeTitle("CT1")).isTrue();
        assertThat(AssociateRequest.validAeTitle(" CT1")).isFalse();
        assertThat(AssociateRequest.validAeTitle("A".repeat(17))).isFalse();
    }

    @Test
    void randomMutationsNeverFailOtherwiseThanByRefusing() throws Exception {
        Random random = new Random(20240601);
        byte[] valid = request("PORTAL", "CT1");
        for (int round = 0; round < 20_000; round++) {
            byte[] bytes = valid.clone();
            for (int flips = 1 + random.nextInt(4); flips > 0; flips--) {
                bytes[random.nextInt(bytes.length)] = (byte) random.nextInt(256);
            }
            int cut = random.nextInt(10) == 0 ? random.nextInt(bytes.length) : bytes.length;
            try {
                AssociateRequest.read(new ByteArrayInputStream(bytes, 0, cut), 64 * 1024);
            } catch (AssociateRequest.Malformed e) {
                assertThat(e.answer()).hasSize(10);
            } catch (IOException e) {
                throw new AssertionError("an I/O error from an in-memory stream", e);
            }
        }
    }

    @Test
    void aStoreResponseCarriesItsStatusAndComment() throws Exception {
        ByteArrayOutputStream rq = new ByteArrayOutputStream();
        element(rq, 0x0002, "1.2.840.10008.5.1.4.1.1.2\0".getBytes(StandardCharsets.US_ASCII));
        element(rq, 0x0100, new byte[]{1, 0});
        element(rq, 0x0110, new byte[]{7, 0});
        element(rq, 0x0800, new byte[]{0, 0});
        element(rq, 0x1000, "1.2.3.4".getBytes(StandardCharsets.US_ASCII));
        DimseCommand request = DimseCommand.read(rq.toByteArray());
        assertThat(request.hasDataSet()).isTrue();
        DimseCommand response = DimseCommand.read(DimseCommand.response(DimseCommand.C_STORE_RSP, request, 0xB000,
                "held for staff review"));
        assertThat(response.unsignedShort(DimseCommand.COMMAND_FIELD)).isEqualTo(0x8001);
        assertThat(response.unsignedShort(DimseCommand.MESSAGE_ID_RESPONDED_TO)).isEqualTo(7);
        assertThat(response.unsignedShort(DimseCommand.STATUS)).isEqualTo(0xB000);
        assertThat(response.uid(DimseCommand.AFFECTED_SOP_INSTANCE)).isEqualTo("1.2.3.4");
        assertThat(response.uid(DimseCommand.AFFECTED_SOP_CLASS)).isEqualTo("1.2.840.10008.5.1.4.1.1.2");
        assertThat(response.hasDataSet()).isFalse();
    }

    @Test
    void aCommandElementLongerThanTheCommandIsInvalid() {
        byte[] bytes = {0, 0, 0, 1, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x7f, 1, 0};
        assertThatThrownBy(() -> DimseCommand.read(bytes)).isInstanceOf(DimseCommand.Invalid.class);
    }

    private static void element(ByteArrayOutputStream out, int element, byte[] value) {
        byte[] padded = value.length % 2 == 0 ? value : java.util.Arrays.copyOf(value, value.length + 1);
        out.writeBytes(new byte[]{0, 0, (byte) element, (byte) (element >> 8), (byte) padded.length,
                (byte) (padded.length >> 8), 0, 0});
        out.writeBytes(padded);
    }
}
