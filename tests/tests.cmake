# One executable per subject: every tests/test_*.c links the library and tests/check.h.
# Tests that need the real MNIST data get the data directory in VAE_DATA_DIR, and the
# pretrained checkpoints directory in VAE_MODELS_DIR.
set(VAE_DATA_DIR "${CMAKE_SOURCE_DIR}/data/mnist" CACHE PATH "MNIST IDX directory for tests")
file(GLOB VAE_TEST_SOURCES CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/tests/test_*.c)
foreach(src ${VAE_TEST_SOURCES})
  get_filename_component(name ${src} NAME_WE)
  add_executable(${name} ${src})
  target_link_libraries(${name} PRIVATE vae vae_engine)
  # tests reach the library's internals (kernels, pool, file formats) as well
  target_include_directories(${name} PRIVATE ${CMAKE_SOURCE_DIR}/tests
                             ${CMAKE_SOURCE_DIR}/src/vae/internal)
  add_test(NAME ${name} COMMAND ${name})
  set_tests_properties(${name} PROPERTIES
    ENVIRONMENT "VAE_DATA_DIR=${VAE_DATA_DIR};VAE_MODELS_DIR=${CMAKE_SOURCE_DIR}/models;VAE_TMP=${CMAKE_BINARY_DIR}/tmp"
    TIMEOUT 600)
endforeach()
file(MAKE_DIRECTORY ${CMAKE_BINARY_DIR}/tmp)

# Shell / Python tests: tests/*.test.sh and tests/*.test.py, run from the source dir with
# the build dir in VAE_BUILD.
file(GLOB VAE_SCRIPT_TESTS CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/tests/*.test.sh
     ${CMAKE_SOURCE_DIR}/tests/*.test.py)
foreach(src ${VAE_SCRIPT_TESTS})
  get_filename_component(name ${src} NAME)
  string(REGEX REPLACE "\\.test\\.(sh|py)$" "" name ${name})
  if(src MATCHES "\\.py$")
    set(cmd /usr/bin/python3 ${src})
  else()
    set(cmd bash ${src})
  endif()
  add_test(NAME ${name} COMMAND ${cmd} WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
  set_tests_properties(${name} PROPERTIES
    ENVIRONMENT "VAE_BUILD=${CMAKE_BINARY_DIR};VAE_DATA_DIR=${VAE_DATA_DIR};VAE_TMP=${CMAKE_BINARY_DIR}/tmp"
    TIMEOUT 1200)
endforeach()

# libFuzzer targets: tests/fuzz_*.c, built only with -DVAE_FUZZ=ON and clang.
if(VAE_FUZZ)
  file(GLOB VAE_FUZZ_SOURCES CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/tests/fuzz_*.c)
  foreach(src ${VAE_FUZZ_SOURCES})
    get_filename_component(name ${src} NAME_WE)
    add_executable(${name} ${src})
    target_link_options(${name} PRIVATE -fsanitize=fuzzer)
    target_link_libraries(${name} PRIVATE vae vae_engine)
    target_include_directories(${name} PRIVATE ${CMAKE_SOURCE_DIR}/src/vae/internal)
  endforeach()
endif()

# Labels: "slow" = the 30-epoch quality comparison and the soak (minutes each, nothing of
# their own under ASan: quality runs the train and eval commands the sanitizer stage runs
# once each, and the soak's RSS check means nothing under ASan's quarantine); the sanitizer
# stage of scripts/test.sh runs everything else (ctest -LE slow), the PyTorch cross-check
# included.
foreach(t quality_vs_torch soak)
  if(TEST ${t})
    set_tests_properties(${t} PROPERTIES LABELS slow)
  endif()
endforeach()
