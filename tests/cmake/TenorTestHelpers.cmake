# Helpers shared by the test folders.

# tenor_add_output_test(NAME name COMMAND exe args... [EXPECT_EXIT code] [MATCH regex...]
#                       [TIMEOUT seconds])
# Runs the command and passes when it exits with EXPECT_EXIT (default 0) and its output (stdout and
# stderr together) matches every MATCH regex, each searched from the end of the previous match, so
# the regexes also fix the order. CMake regexes: ^ and $ anchor the whole output, not a line; write
# "(^|\n)text\n" for a whole line. COMMAND may use generator expressions ($<TARGET_FILE:...>).
function(tenor_add_output_test)
  cmake_parse_arguments(PARSE_ARGV 0 arg "" "NAME;EXPECT_EXIT;TIMEOUT" "COMMAND;MATCH")
  if(NOT arg_NAME OR NOT arg_COMMAND)
    message(FATAL_ERROR "tenor_add_output_test: NAME and COMMAND are required")
  endif()
  if(NOT DEFINED arg_EXPECT_EXIT)
    set(arg_EXPECT_EXIT 0)
  endif()
  if(NOT arg_TIMEOUT)
    set(arg_TIMEOUT 60)
  endif()
  # The command and regexes go into a generated file as bracket arguments, so nothing in them
  # (semicolons, quotes, backslashes) needs escaping on the way.
  set(content "set(EXPECT_EXIT ${arg_EXPECT_EXIT})\nset(CMD)\nset(MATCH)\n")
  foreach(a IN LISTS arg_COMMAND)
    string(APPEND content "list(APPEND CMD [==[${a}]==])\n")
  endforeach()
  foreach(r IN LISTS arg_MATCH)
    string(APPEND content "list(APPEND MATCH [==[${r}]==])\n")
  endforeach()
  set(config ${CMAKE_CURRENT_BINARY_DIR}/${arg_NAME}.test.cmake)
  file(GENERATE OUTPUT ${config} CONTENT "${content}")
  add_test(NAME ${arg_NAME}
           COMMAND ${CMAKE_COMMAND} -DCONFIG=${config}
                   -P ${PROJECT_SOURCE_DIR}/tests/cmake/run_and_match.cmake)
  set_tests_properties(${arg_NAME} PROPERTIES TIMEOUT ${arg_TIMEOUT})
endfunction()
