{
  "targets": [
    {
      "target_name": "strdist",
      "sources": [
        "native/binding.cc",
        "native/search_worker.cc",
        "native/join_worker.cc",
        "native/prepared.cc",
        "native/multi_levenshtein_avx2.cc",
        "native/multi_levenshtein_avx512.cc",
        "native/multi_jaro_avx2.cc",
        "native/multi_jaro_avx512.cc"
      ],
      "dependencies": ["<!(node -p \"require('node-addon-api').targets\"):node_addon_api_except_all"],
      "defines": [
        "NAPI_VERSION=8",
        "NODE_ADDON_API_DISABLE_DEPRECATED",
        "STRDIST_KERNEL_VERSION=1"
      ],
      "cflags_cc!": ["-std=gnu++17", "-fno-exceptions"],
      "cflags_cc": ["-std=c++17", "-ffp-contract=off", "-fvisibility=hidden"],
      "cflags": ["-ffp-contract=off", "-fvisibility=hidden"],
      "xcode_settings": {
        "GCC_SYMBOLS_PRIVATE_EXTERN": "YES",
        "CLANG_CXX_LANGUAGE_STANDARD": "c++17",
        "OTHER_CPLUSPLUSFLAGS": ["-ffp-contract=off"]
      },
      "conditions": [["OS=='linux'", { "libraries": ["-ldl"] }]],
      "msvs_settings": {
        "VCCLCompilerTool": { "AdditionalOptions": ["/std:c++17", "/fp:precise"] }
      }
    }
  ]
}
