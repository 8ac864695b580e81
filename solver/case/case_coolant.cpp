// The case's coolant: a fluid of the library or one the case defines.
#include "solver/case/case.hpp"

namespace kelvin {

CoolantProperties coolant_properties(const CoolantCase& c) {
  if (c.user) return make_user_coolant(*c.user).properties;
  return make_coolant(parse_coolant(c.fluid));
}

}  // namespace kelvin
