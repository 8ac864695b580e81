// check_case()'s checks of the coolant loop (loop: section): what it is built from (the GPUs,
// the cold plate its reduced model is fitted from, the coolant), the rack's counts, the sizes
// of manifolds, hoses and pipes, the CDU's temperatures and pump heads, the reduced model's fit
// and the failure events.
#include <cmath>
#include <string>

#include "solver/case/checker.hpp"
#include "solver/case/parser.hpp"

namespace kelvin::parse_detail {
namespace {

/// Most switch trays or fit flows a loop may ask for: a rack holds a few dozen trays, and each
/// fit flow is one 3-D steady run of the cold plate.
constexpr int kMaxSwitchTrays = 4096;
constexpr std::size_t kMaxFitFlows = 16;

}  // namespace

void Checker::check_loop() {
  // An air-cooled hall has no loop: check_air_cooling() says so, once.
  if (!m_case.loop || air_hall()) return;
  const LoopCase& l = *m_case.loop;
  check_loop_needs(l);
  check_loop_values(l);
  check_loop_fit(l);
  check_loop_events(l);
}

void Checker::check_loop_needs(const LoopCase& l) {
  if (!m_case.gpus)
    report("loop", "loop: it feeds the case's GPUs, but the case has no \"gpus\" section");
  if (!m_case.coldplate)
    report("loop.plate_model",
           "loop: the reduced plate model is fitted from the case's own cold plate runs; the "
           "case needs a \"coldplate\" section (with its flow_rate)");
  if (!m_case.coolant)
    report("loop", "loop: the case needs a \"coolant\" section (the fluid in the loop)");
  if (!m_case.gpus || failed("gpus")) return;
  const GpuCase& g = *m_case.gpus;
  const long long want = static_cast<long long>(l.trays) * l.gpus_per_tray;
  if (l.trays >= 1 && l.gpus_per_tray >= 1 && static_cast<long long>(g.instances.size()) != want)
    report("loop.trays", "loop: gpus has " + std::to_string(g.instances.size()) +
                             " GPUs, but trays x gpus_per_tray is " + std::to_string(l.trays) +
                             " x " + std::to_string(l.gpus_per_tray) + " = " +
                             std::to_string(want));
  // The loop sets every GPU's feed (its tray's branch): an override would be silently replaced.
  for (std::size_t i = 0; i < g.instances.size(); ++i) {
    const GpuInstance& gi = g.instances[i];
    const std::string path = "gpus.instances[" + std::to_string(i) + "]";
    for (const char* key : {"inlet_temperature", "flow_rate"}) {
      const bool set =
          m_case.key_marks.count(path + "." + key) > 0 ||
          (std::string(key) == "flow_rate" ? gi.flow_rate_m3_s : gi.inlet_temperature_K) != 0;
      if (set)
        report(path + "." + key, gi.mark,
               "GPU " + in_quotes(gi.name) + ": " + key +
                   " cannot be set with a loop section (the loop feeds each GPU from its "
                   "tray's branch); remove it");
    }
  }
}

void Checker::check_loop_values(const LoopCase& l) {
  require_at_least("loop.trays", l.trays, 1);
  require_at_least("loop.gpus_per_tray", l.gpus_per_tray, 1);
  if (l.switch_trays < 0 || l.switch_trays > kMaxSwitchTrays)
    report("loop.switch_trays.count", "loop.switch_trays: count must lie in 0 .. " +
                                          std::to_string(kMaxSwitchTrays) + ", got " +
                                          std::to_string(l.switch_trays));
  require_non_negative("loop.switch_trays.heat", l.switch_tray_heat_W, "W");
  require_positive("loop.switch_trays.kv", l.switch_tray_kv_m3_h, "m^3/h");
  if (l.switch_after_tray < 0 || (l.trays >= 1 && l.switch_after_tray > l.trays))
    report("loop.switch_trays.after_tray",
           "loop.switch_trays: after_tray must lie in 0 .. trays (" + std::to_string(l.trays) +
               "; 0: after half the compute trays), got " + std::to_string(l.switch_after_tray));
  require_positive("loop.manifold.diameter", l.manifold_diameter_m, "m");
  require_non_negative("loop.manifold.roughness", l.manifold_roughness_m, "m");
  require_positive("loop.manifold.tray_pitch", l.tray_pitch_m, "m");
  require_positive("loop.hose.length", l.hose_length_m, "m");
  require_positive("loop.hose.diameter", l.hose_diameter_m, "m");
  require_positive("loop.quick_disconnect.kv", l.quick_disconnect_kv_m3_h, "m^3/h");
  require_positive("loop.pipes.length", l.pipe_length_m, "m");
  require_positive("loop.pipes.diameter", l.pipe_diameter_m, "m");
  require_non_negative("loop.pipes.roughness", l.pipe_roughness_m, "m");
  require_non_negative("loop.pipes.heat_loss", l.pipe_heat_loss_W_K, "W/K");
  require_positive("loop.pipes.ambient", l.ambient_K, "K");
  require_positive("loop.cdu.rated_heat", l.cdu_rated_heat_W, "W");
  require_positive("loop.cdu.supply_temperature", l.cdu_supply_K, "K");
  require_positive("loop.cdu.delta_T", l.cdu_delta_T_K, "K");
  require_positive("loop.cdu.facility_delta_T", l.facility_delta_T_K, "K");
  // The CDU's approach (secondary supply - facility supply) drives its heat exchanger.
  if (!(l.facility_supply_K < l.cdu_supply_K))
    report("loop.cdu.facility_supply_temperature",
           "loop.cdu: facility_supply_temperature (" + kelvin_text(l.facility_supply_K) +
               ") must be below supply_temperature (" + kelvin_text(l.cdu_supply_K) +
               "): the CDU's approach must be positive");
  if (m_coolant && l.cdu_supply_K > 0 && !failed("loop.cdu.supply_temperature")) {
    try {
      check_coolant_temperature(*m_coolant, l.cdu_supply_K, "loop.cdu: supply_temperature");
    } catch (const CoolantError& e) {
      report("loop.cdu.supply_temperature", e.what());
    }
  }
  require_at_least("loop.cdu.duty_pumps", l.duty_pumps, 1);
  require_at_least("loop.cdu.standby_pumps", l.standby_pumps, 0);
  require_positive("loop.cdu.pump_shutoff_head", l.pump_shutoff_head_m, "m");
  require_positive("loop.cdu.pump_rated_head", l.pump_rated_head_m, "m");
  if (l.pump_rated_head_m > 0 && !(l.pump_rated_head_m < l.pump_shutoff_head_m))
    report("loop.cdu.pump_rated_head", "loop.cdu: pump_rated_head (" + num(l.pump_rated_head_m) +
                                           " m) must be below pump_shutoff_head (" +
                                           num(l.pump_shutoff_head_m) +
                                           " m): a pump's head falls as its flow rises");
  // absent: 0, the setpoint that gives the GPU plates their design flow rate on average
  if (l.dp_setpoint_Pa != 0 || m_case.key_marks.count("loop.cdu.dp_setpoint"))
    require_positive("loop.cdu.dp_setpoint", l.dp_setpoint_Pa, "Pa");
}

void Checker::check_loop_fit(const LoopCase& l) {
  const std::string path = "loop.reduced_model.flows";
  const auto& q = l.fit_flows;
  bool ascending = true;
  for (std::size_t i = 0; i < q.size(); ++i)
    ascending = ascending && q[i] > 0 && std::isfinite(q[i]) && (i == 0 || q[i] > q[i - 1]);
  if (q.size() < 3 || q.size() > kMaxFitFlows || !ascending) {
    std::string given;
    for (double x : q) given += (given.empty() ? "" : ", ") + num(x);
    report(path, "loop.reduced_model: flows must be 3 to " + std::to_string(kMaxFitFlows) +
                     " distinct positive multiples of the cold plate's flow rate in ascending "
                     "order (like [0.25, 0.5, 1, 1.5, 2]), got [" +
                     given + "]");
  }
  if (!(l.response_time_s > 0 && std::isfinite(l.response_time_s)))
    report(
        "loop.reduced_model.response_time",
        "loop.reduced_model: response_time must be positive, got " + num(l.response_time_s) + " s");
}

void Checker::check_loop_events(const LoopCase& l) {
  const TransientSettings& t = m_case.transient;
  if (!l.events.empty() && !t.enabled)
    report("loop.events",
           "loop: events need a transient section (a steady case has no time for them to "
           "happen in)");
  const int pumps = l.duty_pumps + l.standby_pumps;
  for (std::size_t i = 0; i < l.events.size(); ++i) {
    const LoopEventCase& e = l.events[i];
    const std::string path = "loop.events[" + std::to_string(i) + "]";
    if (!(e.time_s >= 0 && std::isfinite(e.time_s)))
      report(path + ".time", e.mark,
             path + ": time must not be negative, got " + num(e.time_s) + " s");
    else if (t.enabled && e.time_s > t.end_time_s && !failed("transient.end_time"))
      warn(path + ".time", path + ": time " + num(e.time_s) + " s is after transient.end_time (" +
                               num(t.end_time_s) + " s): the " + e.type + " event never happens");
    if (e.type == "trip_pump" && (e.pump < 0 || e.pump >= pumps) && l.duty_pumps >= 1 &&
        l.standby_pumps >= 0)
      report(path + ".pump", e.mark,
             path + ": pump " + std::to_string(e.pump) + " does not exist (the CDU has " +
                 std::to_string(l.duty_pumps) + " duty and " + std::to_string(l.standby_pumps) +
                 " standby pumps, numbered 0 .. " + std::to_string(pumps - 1) + ", duty first)");
    if (e.type == "start_standby" && l.standby_pumps == 0)
      report(path + ".type", e.mark,
             path + ": start_standby needs a standby pump (loop.cdu: standby_pumps is 0)");
    if (e.type != "quick_disconnect") continue;
    if ((e.tray < 0 || e.tray >= l.trays) && l.trays >= 1)
      report(path + ".tray", e.mark,
             path + ": tray " + std::to_string(e.tray) +
                 " does not exist (trays are numbered 0 .. " + std::to_string(l.trays - 1) +
                 " from the bottom of the rack)");
    if (!(e.opening > 0 && e.opening <= 1))
      report(path + ".opening", e.mark,
             path + ": opening must lie in (0, 1] (1: fully open), got " + num(e.opening));
  }
}

}  // namespace kelvin::parse_detail
