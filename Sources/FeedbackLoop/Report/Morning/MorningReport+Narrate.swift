/// A model's seam: something that reads the built report and writes the narrative
/// and the proposals' ranking (the Architect, later). Nil, or a nil answer, keeps the
/// template's.
public typealias Narrator = @Sendable (MorningReport) async -> Narrative?

extension MorningReport {
    /// The report from the night's inputs, narrated by `narrator` when it answers with
    /// something printable (`Narrative.accepted`), else by the template.
    public static func make(_ inputs: NightInputs, narrator: Narrator? = nil) async -> MorningReport {
        var r = build(inputs)
        if let narrator, let answer = await narrator(r) {
            if let n = Narrative.accepted(answer, for: r) {
                r.narrative = n
            } else {
                r.narrative.note = answer.note ?? "\(answer.author) wrote no narrative"
            }
        }
        return r
    }
}
