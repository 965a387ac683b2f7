package com.claribi.mcp;

import com.claribi.platform.ClariException;
import com.claribi.platform.Json;
import java.util.List;
import java.util.Optional;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The tools, resources and prompts the official MCP conformance suite expects (its
 * everything-server). Test code only: the product never registers these.
 */
final class ConformanceFixtures implements McpRegistry.Extension {
    static final String PNG =
            "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==";
    static final String WAV = "UklGRiYAAABXQVZFZm10IBAAAAABAAEAQB8AAAB9AAACABAAZGF0YQIAAAA=";
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    @Override
    public void register(McpRegistry registry) {
        tool(
                registry,
                "test_simple_text",
                "{}",
                (arguments, context) -> ToolResult.text("This is a simple text response for testing."));
        tool(
                registry,
                "test_image_content",
                "{}",
                (arguments, context) ->
                        new ToolResult(List.of(ToolResult.imageBlock(PNG, "image/png")), Optional.empty(), false));
        tool(
                registry,
                "test_audio_content",
                "{}",
                (arguments, context) ->
                        new ToolResult(List.of(ToolResult.audioBlock(WAV, "audio/wav")), Optional.empty(), false));
        tool(
                registry,
                "test_embedded_resource",
                "{}",
                (arguments, context) -> new ToolResult(
                        List.of(ToolResult.resourceBlock(
                                "test://embedded-resource", "text/plain", "This is an embedded resource content.")),
                        Optional.empty(),
                        false));
        tool(
                registry,
                "test_multiple_content_types",
                "{}",
                (arguments, context) -> new ToolResult(
                        List.of(
                                ToolResult.textBlock("Multiple content types test:"),
                                ToolResult.imageBlock(PNG, "image/png"),
                                ToolResult.resourceBlock(
                                        "test://mixed-content-resource",
                                        "application/json",
                                        "{\"test\":\"data\",\"value\":123}")),
                        Optional.empty(),
                        false));
        tool(registry, "test_tool_with_logging", "{}", (arguments, context) -> {
            for (String message :
                    List.of("Tool execution started", "Tool processing data", "Tool execution completed")) {
                context.log(LogLevel.INFO, "conformance", NODES.stringNode(message));
                sleep(50);
            }
            return ToolResult.text("Tool with logging executed successfully");
        });
        tool(registry, "test_tool_with_progress", "{}", (arguments, context) -> {
            for (int step : new int[] {0, 50, 100}) {
                context.progress(step, 100.0, "Completed step " + step + " of 100");
                sleep(50);
            }
            return ToolResult.text("Progress reported");
        });
        tool(registry, "test_error_handling", "{}", (arguments, context) -> {
            throw ClariException.invalid("This tool intentionally returns an error for testing");
        });
        tool(registry, "test_sampling", "{\"prompt\": {\"type\": \"string\"}}", (arguments, context) -> {
            ObjectNode params = NODES.objectNode().put("maxTokens", 100);
            params.putArray("messages")
                    .addObject()
                    .put("role", "user")
                    .putObject("content")
                    .put("type", "text")
                    .put("text", arguments.path("prompt").asString(""));
            JsonNode answer = context.requestFromClient("sampling", "sampling/createMessage", params);
            return ToolResult.text(
                    "LLM response: " + answer.path("content").path("text").asString(""));
        });
        tool(registry, "test_elicitation", "{\"message\": {\"type\": \"string\"}}", (arguments, context) -> {
            ObjectNode params =
                    NODES.objectNode().put("message", arguments.path("message").asString(""));
            params.set("requestedSchema", json("""
                            {"type": "object", "properties": {
                              "username": {"type": "string", "description": "User's response"},
                              "email": {"type": "string", "description": "User's email address"}},
                             "required": ["username", "email"]}"""));
            return elicited(context, params);
        });
        tool(registry, "test_elicitation_sep1034_defaults", "{}", (arguments, context) -> {
            ObjectNode params = NODES.objectNode()
                    .put("mode", "form")
                    .put("message", "Please review and update the form fields with defaults");
            params.set("requestedSchema", json("""
                    {"type": "object", "properties": {
                      "name": {"type": "string", "description": "User name", "default": "John Doe"},
                      "age": {"type": "integer", "description": "User age", "default": 30},
                      "score": {"type": "number", "description": "User score", "default": 95.5},
                      "status": {"type": "string", "description": "User status",
                                 "enum": ["active", "inactive", "pending"], "default": "active"},
                      "verified": {"type": "boolean", "description": "Verification status", "default": true}},
                     "required": []}"""));
            return elicited(context, params);
        });
        tool(registry, "test_elicitation_sep1330_enums", "{}", (arguments, context) -> {
            ObjectNode params =
                    NODES.objectNode().put("mode", "form").put("message", "Please select options from the enum fields");
            params.set("requestedSchema", json("""
                    {"type": "object", "properties": {
                      "untitledSingle": {"type": "string", "description": "Select one option",
                                         "enum": ["option1", "option2", "option3"]},
                      "titledSingle": {"type": "string", "description": "Select one option with titles",
                                       "oneOf": [{"const": "value1", "title": "First Option"},
                                                 {"const": "value2", "title": "Second Option"},
                                                 {"const": "value3", "title": "Third Option"}]},
                      "legacyEnum": {"type": "string", "description": "Select one option (legacy)",
                                     "enum": ["opt1", "opt2", "opt3"],
                                     "enumNames": ["Option One", "Option Two", "Option Three"]},
                      "untitledMulti": {"type": "array", "description": "Select multiple options",
                                        "minItems": 1, "maxItems": 3,
                                        "items": {"type": "string", "enum": ["option1", "option2", "option3"]}},
                      "titledMulti": {"type": "array", "description": "Select multiple options with titles",
                                      "minItems": 1, "maxItems": 3,
                                      "items": {"anyOf": [{"const": "value1", "title": "First Choice"},
                                                          {"const": "value2", "title": "Second Choice"},
                                                          {"const": "value3", "title": "Third Choice"}]}}},
                     "required": []}"""));
            return elicited(context, params);
        });

        registerStatelessFixtures(registry);
        registry.tool(new Tool(
                "json_schema_2020_12_tool",
                "JSON Schema 2020-12 tool",
                "Tool with JSON Schema 2020-12 features for conformance testing (SEP-1613)",
                json("""
                        {"$schema": "https://json-schema.org/draft/2020-12/schema", "type": "object",
                         "$defs": {"address": {"type": "object",
                                               "properties": {"street": {"type": "string"}, "city": {"type": "string"}}}},
                         "properties": {"name": {"type": "string"}, "address": {"$ref": "#/$defs/address"}},
                         "additionalProperties": false}"""),
                Optional.empty(),
                Tool.Annotations.READ_ONLY,
                List.of(),
                Optional.empty(),
                false,
                false,
                (arguments, context) -> ToolResult.text("JSON Schema 2020-12 tool called with: " + arguments)));

        registry.resource(new Resource(
                "test://static-text",
                "static-text",
                "Static Text Resource",
                "A static text resource for testing",
                Optional.of("text/plain"),
                (uri, variables, context) -> List.of(
                        content(uri, "text/plain").put("text", "This is the content of the static text resource."))));
        registry.resource(new Resource(
                "test://static-binary",
                "static-binary",
                "Static Binary Resource",
                "A static binary resource (image) for testing",
                Optional.of("image/png"),
                (uri, variables, context) -> List.of(content(uri, "image/png").put("blob", PNG))));
        registry.resource(new Resource(
                "test://watched-resource",
                "watched-resource",
                "Watched Resource",
                "A resource clients can subscribe to",
                Optional.of("text/plain"),
                (uri, variables, context) ->
                        List.of(content(uri, "text/plain").put("text", "Watched resource content"))));
        registry.resourceTemplate(new ResourceTemplate(
                "test://template/{id}/data",
                "template",
                "Resource Template",
                "A resource template with parameter substitution",
                Optional.of("application/json"),
                (uri, variables, context) -> List.of(content(uri, "application/json")
                        .put(
                                "text",
                                "{\"id\":\"" + variables.get("id") + "\",\"templateTest\":true,\"data\":\"Data for ID: "
                                        + variables.get("id") + "\"}"))));

        registry.prompt(new Prompt(
                "test_simple_prompt",
                "Simple Test Prompt",
                "A simple prompt without arguments",
                List.of(),
                (arguments, context) -> List.of(message(textContent("This is a simple prompt for testing.")))));
        registry.prompt(new Prompt(
                "test_prompt_with_arguments",
                "Prompt With Arguments",
                "A prompt with required arguments",
                List.of(
                        new Prompt.Argument("arg1", "First test argument", true),
                        new Prompt.Argument("arg2", "Second test argument", true)),
                (arguments, context) -> List.of(message(textContent("Prompt with arguments: arg1='"
                        + arguments.get("arg1") + "', arg2='" + arguments.get("arg2") + "'")))));
        registry.prompt(new Prompt(
                "test_prompt_with_embedded_resource",
                "Prompt With Embedded Resource",
                "A prompt that includes an embedded resource",
                List.of(new Prompt.Argument("resourceUri", "URI of the resource to embed", true)),
                (arguments, context) -> List.of(
                        message(ToolResult.resourceBlock(
                                arguments.get("resourceUri"), "text/plain", "Embedded resource content for testing.")),
                        message(textContent("Please process the embedded resource above.")))));
        registry.prompt(new Prompt(
                "test_prompt_with_image",
                "Prompt With Image",
                "A prompt that includes image content",
                List.of(),
                (arguments, context) -> List.of(
                        message(ToolResult.imageBlock(PNG, "image/png")),
                        message(textContent("Please analyze the image above.")))));
    }

    /** Fixtures of the 2026-07-28 scenarios (SEP-2575 stateless, SEP-2322 input_required). */
    private static void registerStatelessFixtures(McpRegistry registry) {
        tool(registry, "test_missing_capability", "{}", (arguments, context) -> {
            ObjectNode params = NODES.objectNode().put("maxTokens", 10);
            params.putArray("messages")
                    .addObject()
                    .put("role", "user")
                    .putObject("content")
                    .put("type", "text")
                    .put("text", "ping");
            context.requestFromClient("sample", "sampling/createMessage", params);
            return ToolResult.text("sampled");
        });
        tool(registry, "test_streaming_elicitation", "{}", (arguments, context) -> {
            context.progress(0, 1.0, "asking");
            JsonNode answer = context.requestFromClient("confirm", "elicitation/create", nameQuestion("Continue?"));
            return ToolResult.text("answered " + answer.path("action").asString(""));
        });
        tool(registry, "test_logging_tool", "{}", (arguments, context) -> {
            context.log(LogLevel.INFO, "conformance", NODES.stringNode("log entry"));
            return ToolResult.text("logged");
        });
        tool(registry, "test_input_required_result_elicitation", "{}", (arguments, context) -> {
            JsonNode answer =
                    context.requestFromClient("user_name", "elicitation/create", nameQuestion("What is your name?"));
            return ToolResult.text(
                    "Hello, " + answer.path("content").path("name").asString("") + "!");
        });
        tool(registry, "test_input_required_result_sampling", "{}", (arguments, context) -> {
            JsonNode answer = context.requestFromClient(
                    "capital_question",
                    "sampling/createMessage",
                    samplingQuestion("What is the capital of France?", 100));
            return ToolResult.text(
                    "Sampling said: " + answer.path("content").path("text").asString(""));
        });
        tool(registry, "test_input_required_result_list_roots", "{}", (arguments, context) -> {
            JsonNode answer = context.requestFromClient("client_roots", "roots/list", NODES.objectNode());
            return ToolResult.text("Roots: " + answer.path("roots"));
        });
        tool(registry, "test_input_required_result_request_state", "{}", (arguments, context) -> {
            ObjectNode question = NODES.objectNode().put("message", "Please confirm");
            question.set("requestedSchema", json("""
                    {"type": "object", "properties": {"ok": {"type": "boolean"}}, "required": ["ok"]}"""));
            context.requestFromClient("confirm", "elicitation/create", question);
            return ToolResult.text("state-ok: the signed requestState was verified");
        });
        tool(registry, "test_input_required_result_tampered_state", "{}", (arguments, context) -> {
            ObjectNode question = NODES.objectNode().put("message", "Please confirm");
            question.set("requestedSchema", json("""
                    {"type": "object", "properties": {"ok": {"type": "boolean"}}, "required": ["ok"]}"""));
            context.requestFromClient("confirm", "elicitation/create", question);
            return ToolResult.text("confirmed");
        });
        tool(registry, "test_input_required_result_multiple_inputs", "{}", (arguments, context) -> {
            java.util.Map<String, CallContext.ClientRequest> requests = new java.util.LinkedHashMap<>();
            requests.put(
                    "user_name",
                    new CallContext.ClientRequest("elicitation/create", nameQuestion("What is your name?")));
            requests.put(
                    "greeting",
                    new CallContext.ClientRequest(
                            "sampling/createMessage", samplingQuestion("Generate a greeting", 50)));
            requests.put("client_roots", new CallContext.ClientRequest("roots/list", NODES.objectNode()));
            java.util.Map<String, JsonNode> answers = context.requestFromClient(requests);
            return ToolResult.text("Got " + answers.keySet());
        });
        tool(registry, "test_input_required_result_multi_round", "{}", (arguments, context) -> {
            JsonNode name = context.requestFromClient(
                    "step1", "elicitation/create", nameQuestion("Step 1: What is your name?"));
            ObjectNode colour = NODES.objectNode().put("message", "Step 2: What is your favourite colour?");
            colour.set("requestedSchema", json("""
                    {"type": "object", "properties": {"color": {"type": "string"}}, "required": ["color"]}"""));
            JsonNode chosen = context.requestFromClient("step2", "elicitation/create", colour);
            return ToolResult.text(name.path("content").path("name").asString("") + " likes "
                    + chosen.path("content").path("color").asString(""));
        });
        tool(registry, "test_input_required_result_capabilities", "{}", (arguments, context) -> {
            java.util.Map<String, CallContext.ClientRequest> requests = new java.util.LinkedHashMap<>();
            if (context.clientCapabilities().has("elicitation")) {
                requests.put("user_name", new CallContext.ClientRequest("elicitation/create", nameQuestion("Name?")));
            }
            if (context.clientCapabilities().has("sampling")) {
                requests.put(
                        "greeting",
                        new CallContext.ClientRequest(
                                "sampling/createMessage", samplingQuestion("Generate a greeting", 50)));
            }
            if (requests.isEmpty()) {
                return ToolResult.text("The client supports neither elicitation nor sampling.");
            }
            return ToolResult.text("Got " + context.requestFromClient(requests).keySet());
        });
        registry.prompt(new Prompt(
                "test_input_required_result_prompt",
                "Prompt needing input",
                "A prompt that asks the client for context first",
                List.of(),
                (arguments, context) -> {
                    ObjectNode question = NODES.objectNode().put("message", "What context should the prompt use?");
                    question.set("requestedSchema", json("""
                            {"type": "object", "properties": {"context": {"type": "string"}}, "required": ["context"]}"""));
                    JsonNode answer = context.requestFromClient("user_context", "elicitation/create", question);
                    return List.of(message(textContent("Use this context: "
                            + answer.path("content").path("context").asString(""))));
                }));
    }

    private static ObjectNode nameQuestion(String message) {
        ObjectNode question = NODES.objectNode().put("message", message);
        question.set("requestedSchema", json("""
                {"type": "object", "properties": {"name": {"type": "string"}}, "required": ["name"]}"""));
        return question;
    }

    private static ObjectNode samplingQuestion(String text, int maxTokens) {
        ObjectNode params = NODES.objectNode().put("maxTokens", maxTokens);
        params.putArray("messages")
                .addObject()
                .put("role", "user")
                .putObject("content")
                .put("type", "text")
                .put("text", text);
        return params;
    }

    private static ToolResult elicited(CallContext context, ObjectNode params) {
        JsonNode answer = context.requestFromClient("elicitation", "elicitation/create", params);
        return ToolResult.text(
                "User response: action=" + answer.path("action").asString("") + ", content=" + answer.path("content"));
    }

    private static void tool(McpRegistry registry, String name, String properties, Tool.Handler handler) {
        ObjectNode schema =
                json("{\"type\": \"object\", \"additionalProperties\": false, \"properties\": " + properties + "}");
        registry.tool(new Tool(
                name,
                name,
                "Conformance fixture " + name,
                schema,
                Optional.empty(),
                Tool.Annotations.READ_ONLY,
                List.of(),
                Optional.empty(),
                false,
                false,
                handler));
    }

    private static ObjectNode content(String uri, String mimeType) {
        return NODES.objectNode().put("uri", uri).put("mimeType", mimeType);
    }

    private static ObjectNode textContent(String text) {
        return ToolResult.textBlock(text);
    }

    private static ObjectNode message(ObjectNode content) {
        ObjectNode message = NODES.objectNode().put("role", "user");
        message.set("content", content);
        return message;
    }

    static ObjectNode json(String text) {
        return (ObjectNode) Json.mapper().readTree(text);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
