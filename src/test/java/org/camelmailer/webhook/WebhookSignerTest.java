package org.camelmailer.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.junit.jupiter.api.Test;

/** The Standard Webhooks signature, against a vector computed here with javax.crypto directly. */
class WebhookSignerTest {

    private static final String ID = "msg_p5jXN8AQM9LWM0D4loKWxJek";
    private static final long TIMESTAMP = 1614265330;
    private static final String BODY = "{\"type\":\"message.sent\",\"timestamp\":1614265330,\"data\":{\"task_id\":\"été\"}}";

    private static String expected(byte[] key) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        byte[] digest = mac.doFinal((ID + "." + TIMESTAMP + "." + BODY).getBytes(StandardCharsets.UTF_8));
        return "v1," + Base64.getEncoder().encodeToString(digest);
    }

    @Test
    void should_sign_id_timestamp_and_body_with_the_utf8_bytes_of_a_plain_secret() throws Exception {
        String sig = new WebhookSigner("s3cr3t-plain").sign(ID, TIMESTAMP, BODY.getBytes(StandardCharsets.UTF_8));

        assertThat(sig).isEqualTo(expected("s3cr3t-plain".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void should_decode_a_whsec_secret_as_base64() throws Exception {
        // the Standard Webhooks specification's own example secret
        String secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
        byte[] key = Base64.getDecoder().decode("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");

        String sig = new WebhookSigner(secret).sign(ID, TIMESTAMP, BODY.getBytes(StandardCharsets.UTF_8));

        assertThat(sig).isEqualTo(expected(key)).isNotEqualTo(expected(secret.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void should_match_the_specification_example() {
        // standard-webhooks spec example: this id, timestamp, body and secret give this signature
        String body = "{\"test\": 2432232314}";
        String sig = new WebhookSigner("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").sign(ID, TIMESTAMP,
                body.getBytes(StandardCharsets.UTF_8));

        assertThat(sig).isEqualTo("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
    }

    @Test
    void should_refuse_a_whsec_secret_that_is_not_base64_without_quoting_it() {
        assertThatThrownBy(() -> WebhookSigner.key("whsec_not*base64!"))
                .hasMessageNotContaining("not*base64").hasMessageContaining("base64");
        assertThatThrownBy(() -> WebhookSigner.key("whsec_")).isInstanceOf(IllegalArgumentException.class);
    }
}
