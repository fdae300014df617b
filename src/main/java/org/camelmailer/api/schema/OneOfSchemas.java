package org.camelmailer.api.schema;

import java.util.Iterator;

import io.swagger.v3.core.converter.AnnotatedType;
import io.swagger.v3.core.converter.ModelConverter;
import io.swagger.v3.core.converter.ModelConverterContext;
import io.swagger.v3.core.converter.ModelConverters;
import io.swagger.v3.oas.models.media.Schema;
import org.apache.camel.openapi.RestModelConverters;

/**
 * swagger-core gives a Java type declared as "one of" ({@link Recipients}) the type {@code object} beside its
 * {@code oneOf}, which no string and no array then matches. This converter, first in swagger-core's chain (the one
 * camel-openapi-java reads the records with), drops that type, and the Java class name camel-openapi-java notes on it
 * (only the types the rest DSL names need that note).
 */
public final class OneOfSchemas implements ModelConverter {

    private OneOfSchemas() {
    }

    /** Once per JVM, after camel-openapi-java's own converter, so that this one comes first. */
    public static synchronized void install() {
        new RestModelConverters(false);
        ModelConverters converters = ModelConverters.getInstance();
        if (converters.getConverters().stream().noneMatch(OneOfSchemas.class::isInstance)) {
            converters.addConverter(new OneOfSchemas());
        }
    }

    @Override
    @SuppressWarnings("rawtypes")
    public Schema resolve(AnnotatedType type, ModelConverterContext context, Iterator<ModelConverter> chain) {
        Schema schema = chain.hasNext() ? chain.next().resolve(type, context, chain) : null;
        if (schema != null && schema.getOneOf() != null && schema.getProperties() == null) {
            schema.setType(null);
            if (schema.getExtensions() != null) {
                schema.getExtensions().remove("x-className");
            }
        }
        return schema;
    }
}
