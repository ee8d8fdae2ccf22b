package org.imageportal.platform.http;

import java.io.IOException;

import jakarta.inject.Singleton;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import com.fasterxml.jackson.databind.deser.std.StringDeserializer;
import com.fasterxml.jackson.databind.module.SimpleModule;

import io.quarkus.jackson.ObjectMapperCustomizer;

/** JSON bodies get the same rule as query parameters and forms: no string holds a NUL or other control character. */
@Singleton
public class JsonTextCustomizer implements ObjectMapperCustomizer {

    @Override
    public void customize(ObjectMapper mapper) {
        mapper.registerModule(new SimpleModule("storable-text").addDeserializer(String.class, new StorableString()));
    }

    /** The standard string deserializer, refusing text a record cannot keep. */
    static final class StorableString extends StdScalarDeserializer<String> {

        private static final long serialVersionUID = 1L;

        StorableString() {
            super(String.class);
        }

        @Override
        public String deserialize(JsonParser parser, DeserializationContext context) throws IOException {
            String value = StringDeserializer.instance.deserialize(parser, context);
            if (!TextInputFilter.storable(value)) {
                throw com.fasterxml.jackson.databind.exc.InvalidFormatException.from(parser,
                        "a string contains a control character (such as NUL) that cannot be accepted", null,
                        String.class);
            }
            return value;
        }
    }
}
