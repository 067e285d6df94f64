# cmake -DINPUT=file -DOUTPUT=file.cpp -DSYMBOL=name -DNAMESPACE=ns -P EmbedText.cmake
# Writes a C++ file defining `extern const char* const SYMBOL` with the input's text, dropping
# lines that name the build machine (the ModuleID and source_filename of clang's IR output).
file(READ "${INPUT}" text)
string(REGEX REPLACE "; ModuleID = [^\n]*\n" "" text "${text}")
string(REGEX REPLACE "source_filename = [^\n]*\n" "" text "${text}")
string(REGEX REPLACE "!llvm.ident = [^\n]*\n" "" text "${text}")
string(REGEX REPLACE "![0-9]+ = !{!\"[^\n]*clang version[^\n]*\n" "" text "${text}")
# Split into chunks: string literals have length limits on some compilers.
string(LENGTH "${text}" len)
set(body "")
set(pos 0)
while(pos LESS len)
  string(SUBSTRING "${text}" ${pos} 8000 chunk)
  string(APPEND body "R\"tnr(${chunk})tnr\"\n")
  math(EXPR pos "${pos} + 8000")
endwhile()
file(WRITE "${OUTPUT}" "// Generated from ${INPUT_NAME} by cmake/EmbedText.cmake: do not edit.\nnamespace ${NAMESPACE} {\nextern const char* const ${SYMBOL};\nconst char* const ${SYMBOL} =\n${body};\n}\n")
