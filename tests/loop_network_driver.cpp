// Solves a coolant network written as plain text and prints its flows and pressures, so that a
// Python oracle (tests/oracles/epanet_loop.py) can put Kelvin's network solver beside EPANET on
// the same network. Input, one item a line ('#' starts a comment):
//   coolant FLUID MASS_FRACTION TEMPERATURE_K
//   fixed NAME PRESSURE_PA ELEVATION_M
//   junction NAME ELEVATION_M DEMAND_M3_S
//   pipe NAME FROM TO LENGTH_M DIAMETER_M ROUGHNESS_M [epanet]   (epanet: EPANET's friction law)
//   pump NAME FROM TO SHUTOFF_HEAD_M K_M_S2_M6          (H = H0 - k Q^2)
//   friction REYNOLDS RELATIVE_ROUGHNESS                 (prints "friction RE EPS F" at once;
//                                                         tests/oracles/fluids_friction.py)
//   effectiveness KIND NTU CR    (prints "effectiveness KIND NTU CR EPS" at once; KIND one of
//                                 counterflow, crossflow, crossflow_approx, crossflow_cmax_mixed,
//                                 crossflow_cmin_mixed; tests/oracles/ht_effectiveness.py)
//   minor NAME FROM TO K DIAMETER_M                      (a K loss on a diameter's velocity)
// Output: "density_kg_m3 X", "kinematic_viscosity_m2_s X", "iterations N", then
// "link NAME FLOW_M3_S" and "node NAME PRESSURE_PA" lines. Exit 1 with a message on an error.
#include <cstdio>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <string>

#include "solver/loop/friction.hpp"
#include "solver/loop/gga.hpp"
#include "solver/loop/heat_exchanger.hpp"

using namespace kelvin;

namespace {

/// The arrangement named by an "effectiveness" line; throws on an unknown name.
ExchangerArrangement arrangement_named(const std::string& kind) {
  if (kind == "counterflow") return ExchangerArrangement::Counterflow;
  if (kind == "crossflow") return ExchangerArrangement::CrossflowUnmixed;
  if (kind == "crossflow_approx") return ExchangerArrangement::CrossflowUnmixedApprox;
  if (kind == "crossflow_cmax_mixed") return ExchangerArrangement::CrossflowCmaxMixed;
  if (kind == "crossflow_cmin_mixed") return ExchangerArrangement::CrossflowCminMixed;
  throw std::runtime_error("unknown exchanger arrangement '" + kind + "'");
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: loop_network_driver NETWORK.txt\n";
    return 2;
  }
  try {
    std::ifstream in(argv[1]);
    if (!in) throw std::runtime_error(std::string("cannot read ") + argv[1]);
    std::unique_ptr<Network> net;
    std::string line;
    for (int number = 1; std::getline(in, line); ++number) {
      std::istringstream s(line.substr(0, line.find('#')));
      std::string kind, name, from, to;
      if (!(s >> kind)) continue;
      double a = 0, b = 0, c = 0;
      bool ok = true;
      if (kind == "friction") {
        ok = static_cast<bool>(s >> a >> b);
        if (ok) std::printf("friction %.17g %.17g %.17g\n", a, b, churchill_friction_factor(a, b));
      } else if (kind == "effectiveness") {
        ok = static_cast<bool>(s >> name >> a >> b);
        if (ok)
          std::printf("effectiveness %s %.17g %.17g %.17g\n", name.c_str(), a, b,
                      effectiveness(arrangement_named(name), a, b));
      } else if (kind == "coolant") {
        ok = static_cast<bool>(s >> name >> a >> b);
        if (ok) net = std::make_unique<Network>(make_coolant(name, a), b);
      } else if (!net) {
        throw std::runtime_error("line " + std::to_string(number) + ": 'coolant' must come first");
      } else if (kind == "fixed") {
        ok = static_cast<bool>(s >> name >> a >> b);
        net->add_fixed_pressure(name, a, b);
      } else if (kind == "junction") {
        ok = static_cast<bool>(s >> name >> a >> b);
        net->add_junction(name, a, b);
      } else if (kind == "pipe") {
        ok = static_cast<bool>(s >> name >> from >> to >> a >> b >> c);
        std::string law;
        s >> law;
        ok = ok && (law.empty() || law == "epanet");
        net->add_link(
            name, from, to,
            Pipe{a, b, c, law == "epanet" ? FrictionLaw::Epanet : FrictionLaw::Churchill});
      } else if (kind == "minor") {
        ok = static_cast<bool>(s >> name >> from >> to >> a >> b);
        net->add_link(name, from, to, MinorLoss{a, b});
      } else if (kind == "pump") {
        ok = static_cast<bool>(s >> name >> from >> to >> a >> b);
        net->add_link(name, from, to, pump_from_quadratic(a, b));
      } else {
        ok = false;
      }
      if (!ok)
        throw std::runtime_error("line " + std::to_string(number) + ": cannot read '" + line + "'");
    }
    if (!net) return 0;  // friction and effectiveness lines only
    const HydraulicSolution sol = solve_hydraulics(*net);
    const double rho = net->coolant.density(net->temperature_K);
    std::printf("density_kg_m3 %.17g\n", rho);
    std::printf("kinematic_viscosity_m2_s %.17g\n",
                net->coolant.viscosity(net->temperature_K) / rho);
    std::printf("iterations %d\n", sol.iterations);
    for (std::size_t k = 0; k < net->links.size(); ++k)
      std::printf("link %s %.17g\n", net->links[k].name.c_str(), sol.flow_m3_s[k]);
    for (std::size_t i = 0; i < net->nodes.size(); ++i)
      std::printf("node %s %.17g\n", net->nodes[i].name.c_str(), sol.pressure_Pa[i]);
  } catch (const std::exception& e) {
    std::cerr << "loop_network_driver: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
