# Writes OUTPUT, a C++ file defining dispotify::api::openapi_document()
# that returns the content of INPUT.
file(READ ${INPUT} content)
string(FIND "${content}" ")EMBED\"" clash)
if(NOT clash EQUAL -1)
  message(FATAL_ERROR "${INPUT} contains the raw string delimiter")
endif()
file(WRITE ${OUTPUT} "#include \"api/openapi.h\"\nnamespace dispotify::api {\nstd::string_view openapi_document() {\n  static constexpr std::string_view kDocument = R\"EMBED(${content})EMBED\";\n  return kDocument;\n}\n}  // namespace dispotify::api\n")
