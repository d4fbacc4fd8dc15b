// A library that claims a plugin ABI this host does not speak. Its descriptor is written by
// hand, with no factory: the host must refuse it from the ABI field alone.
#include <boost/dll/alias.hpp>

#include "mirari/plugin.hpp"

namespace bad_abi {

const mirari::Descriptor* descriptor() {
  static const mirari::Descriptor d{mirari::kAbiVersion + 1,
                                    __cplusplus,
                                    _GLIBCXX_RELEASE,
                                    _GLIBCXX_USE_CXX11_ABI,
                                    __VERSION__,
                                    "bad-abi",
                                    "1.0.0",
                                    mirari::Kind::policy,
                                    "built for another plugin ABI",
                                    nullptr,
                                    nullptr,
                                    nullptr};
  return &d;
}

}  // namespace bad_abi

BOOST_DLL_ALIAS(bad_abi::descriptor, mirari_plugin)
