// Focus: math syntax for marked (spec 03 §2). Work in progress: the rules land shortly.
export function focusMath() {
  return { extensions: [] };
}
export default focusMath;
