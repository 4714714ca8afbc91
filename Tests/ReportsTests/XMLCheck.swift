import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// Parses `text` as XML and returns the parser's error, or nil when it is well-formed;
/// also collects the element names seen, with their attributes.
final class XMLCheck: NSObject, XMLParserDelegate {
    private(set) var elements: [String] = []
    private(set) var texts: [String] = []
    private(set) var nodes: [(name: String, attributes: [String: String])] = []

    static func parse(_ text: String)
        -> (error: String?, elements: [String], texts: [String], nodes: [(name: String, attributes: [String: String])]) {
        let check = XMLCheck()
        let parser = XMLParser(data: Data(text.utf8))
        parser.delegate = check
        let ok = parser.parse()
        return (ok ? nil : (parser.parserError.map { "\($0)" } ?? "parse failed"), check.elements, check.texts, check.nodes)
    }

    func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
                qualifiedName qName: String?, attributes attributeDict: [String: String] = [:]) {
        elements.append(elementName)
        nodes.append((elementName, attributeDict))
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        texts.append(string)
    }
}
