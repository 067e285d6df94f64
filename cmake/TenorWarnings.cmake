# tenor_set_warnings(target): the project's warning set, errors when TENOR_WERROR is on.
function(tenor_set_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wshadow -Wnon-virtual-dtor
                                           -Wimplicit-fallthrough)
  if(TENOR_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()
