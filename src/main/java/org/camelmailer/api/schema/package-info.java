/**
 * The shapes of the API's JSON bodies as GET /openapi.json publishes them: records read by camel-openapi-java
 * (the REST DSL's {@code type} and {@code responseModel}) for their swagger annotations only. The routes never
 * bind to them: requests are read by MessageValidator and answers written by ApiResponses, and OpenApiContractTest
 * checks real requests and answers against the document these records produce.
 */
package org.camelmailer.api.schema;
