"""Interface text in Swedish and English, and choosing between them for a request."""

from __future__ import annotations

from collections.abc import Callable

from fastapi import Request

from media_service.api_messages import API_MESSAGES
from media_service.editor_messages import EDITOR_MESSAGES

LANGUAGES = ("sv", "en")
DEFAULT_LANGUAGE = "sv"
LANGUAGE_COOKIE = "tolk_lang"

MESSAGES: dict[str, dict[str, str]] = {
    "site_name": {"sv": "Tolk", "en": "Tolk"},
    "tagline": {
        "sv": "Filmer och sånger med textning och teckenspråk",
        "en": "Films and songs with captions and sign language",
    },
    "skip_to_content": {"sv": "Hoppa till innehållet", "en": "Skip to content"},
    "catalogue": {"sv": "Mediebibliotek", "en": "Media library"},
    "catalogue_empty": {"sv": "Biblioteket är tomt.", "en": "The library is empty."},
    "film": {"sv": "Film", "en": "Film"},
    "song": {"sv": "Sång", "en": "Song"},
    "films": {"sv": "Filmer", "en": "Films"},
    "songs": {"sv": "Sånger", "en": "Songs"},
    "all": {"sv": "Alla", "en": "All"},
    "captions": {"sv": "Textning", "en": "Captions"},
    "sign_language": {"sv": "Teckenspråk", "en": "Sign language"},
    "duration": {"sv": "Längd", "en": "Duration"},
    "watch": {"sv": "Titta", "en": "Watch"},
    "poster_of": {"sv": "Bild ur {title}", "en": "Still from {title}"},
    "no_file": {
        "sv": "Filen är inte uppladdad än.",
        "en": "The file has not been uploaded yet.",
    },
    "no_video_support": {
        "sv": "Din webbläsare kan inte spela upp det här. Ladda ner filen:",
        "en": "Your browser cannot play this. Download the file:",
    },
    "download": {"sv": "Ladda ner", "en": "Download"},
    "caption_tracks": {"sv": "Textspår", "en": "Caption tracks"},
    "no_captions": {"sv": "Ingen textning än.", "en": "No captions yet."},
    "language_switch": {"sv": "Språk", "en": "Language"},
    "pages": {"sv": "Sidor", "en": "Pages"},
    "previous": {"sv": "Föregående", "en": "Previous"},
    "next": {"sv": "Nästa", "en": "Next"},
    "filter": {"sv": "Visa", "en": "Show"},
    "not_found": {"sv": "Sidan finns inte.", "en": "Page not found."},
    "variants": {"sv": "Versioner att ladda ner", "en": "Versions to download"},
    "variant_web": {"sv": "Webbversion", "en": "Web version"},
    # A download made before the item's captions or interpreter changed says so.
    "variant_outdated_captions": {
        "sv": "Obs: textningen här är en äldre version än den aktuella textningen.",
        "en": "Note: the captions here are an older version than the current captions.",
    },
    "variant_outdated_interpreter": {
        "sv": "Obs: tolkinspelningen här har tagits bort eller bytts ut.",
        "en": "Note: the interpreter recording here has been removed or replaced.",
    },
    "variant_outdated_layout": {
        "sv": "Obs: tolken visas här som före den senaste ändringen.",
        "en": "Note: the interpreter is shown here as before the latest change.",
    },
    "variant_captioned": {"sv": "Med inbränd textning", "en": "With burned-in captions"},
    "variant_signed": {"sv": "Med teckenspråkstolk i bilden", "en": "With the sign-language interpreter"},
    "variant_signed_captioned": {
        "sv": "Med teckenspråkstolk och textning",
        "en": "With the sign-language interpreter and captions",
    },
    "variant_described": {"sv": "Med syntolkning", "en": "With audio description"},
    "variant_captioned_described": {
        "sv": "Med inbränd textning och syntolkning",
        "en": "With burned-in captions and audio description",
    },
    "variant_signed_described": {
        "sv": "Med teckenspråkstolk och syntolkning",
        "en": "With the sign-language interpreter and audio description",
    },
    "variant_signed_captioned_described": {
        "sv": "Full tillgänglighet: teckenspråkstolk, textning och syntolkning",
        "en": "Full access: sign-language interpreter, captions and audio description",
    },
    "variant_described_extended": {
        "sv": "Med utökad syntolkning (bilden står still när beskrivningen behöver mer tid)",
        "en": "With extended audio description (the picture holds when a description needs more time)",
    },
    "variant_outdated_descriptions": {
        "sv": "Obs: syntolkningen här är en äldre version än den aktuella.",
        "en": "Note: the audio description here is an older version than the current one.",
    },
    # The accessibility summary (services/accessibility.py), on watch pages and for editors.
    "a11y_criterion_1_2_1": {"sv": "Enbart ljud och enbart video", "en": "Audio-only and video-only"},
    "a11y_criterion_1_2_2": {"sv": "Undertexter (förinspelade)", "en": "Captions (prerecorded)"},
    "a11y_criterion_1_2_3": {
        "sv": "Syntolkning eller mediealternativ",
        "en": "Audio description or media alternative",
    },
    "a11y_criterion_1_2_5": {"sv": "Syntolkning (förinspelad)", "en": "Audio description (prerecorded)"},
    "a11y_criterion_1_2_6": {"sv": "Teckenspråk (förinspelat)", "en": "Sign language (prerecorded)"},
    "a11y_criterion_1_2_7": {"sv": "Utökad syntolkning", "en": "Extended audio description"},
    "a11y_criterion_1_2_8": {"sv": "Mediealternativ (förinspelat)", "en": "Media alternative (prerecorded)"},
    "a11y_status_met": {"sv": "Uppfyllt", "en": "Met"},
    "a11y_status_not_met": {"sv": "Inte uppfyllt", "en": "Not met"},
    "a11y_status_not_applicable": {"sv": "Gäller inte", "en": "Not applicable"},
    "a11y_missing_captions": {"sv": "textning", "en": "captions"},
    "a11y_missing_descriptions": {"sv": "syntolkning", "en": "audio description"},
    "a11y_missing_extended_descriptions": {"sv": "utökad syntolkning", "en": "extended audio description"},
    "a11y_missing_sign_language": {"sv": "teckenspråk", "en": "sign language"},
    "a11y_missing_transcript": {"sv": "en utskrift", "en": "a transcript"},
    "a11y_missing_text_alternative": {
        "sv": "en utskrift med syntolkningen",
        "en": "a transcript with the descriptions",
    },
    "a11y_statement_meets": {
        "sv": "Tillgänglighet: uppfyller WCAG 2.1 nivå {level} för förinspelad media.",
        "en": "Accessibility: meets WCAG 2.1 level {level} for prerecorded media.",
    },
    "a11y_statement_none": {
        "sv": "Tillgänglighet: uppfyller ännu inte WCAG 2.1 nivå A för förinspelad media.",
        "en": "Accessibility: does not yet meet WCAG 2.1 level A for prerecorded media.",
    },
    "a11y_statement_missing": {"sv": "Saknas:", "en": "Missing:"},
    # What an item offers, for open data (schema.org's accessibilitySummary, the exports).
    "a11y_offers_captions": {"sv": "Textning: {languages}.", "en": "Captions: {languages}."},
    "a11y_offers_sign_language": {
        "sv": "Teckenspråkstolkad på svenskt teckenspråk.",
        "en": "Interpreted into Swedish Sign Language.",
    },
    "a11y_offers_descriptions": {"sv": "Syntolkning: {languages}.", "en": "Audio description: {languages}."},
    "a11y_offers_transcript": {
        "sv": "Utskrift som text: {languages}.",
        "en": "Text transcript: {languages}.",
    },
    "a11y_offers_nothing": {
        "sv": "Ingen textning, teckenspråkstolkning eller syntolkning än.",
        "en": "No captions, sign language or audio description yet.",
    },
    "back_to_catalogue": {"sv": "Till mediebiblioteket", "en": "Back to the media library"},
    # The transcript page (WCAG 1.2.8).
    "transcript": {"sv": "Utskrift", "en": "Transcript"},
    "transcript_of": {"sv": "Utskrift: {title}", "en": "Transcript: {title}"},
    "transcript_link": {"sv": "Läs utskriften som text", "en": "Read the transcript as text"},
    "transcript_other_languages": {"sv": "Andra språk", "en": "Other languages"},
    "transcript_none": {
        "sv": "Det finns ingen textning att göra en utskrift av än.",
        "en": "There are no captions to make a transcript from yet.",
    },
    "transcript_description": {"sv": "Bildbeskrivning", "en": "Description"},
    "transcript_watch_from": {"sv": "Titta från {time}", "en": "Watch from {time}"},
    "back_to_watch": {"sv": "Tillbaka till {title}", "en": "Back to {title}"},
    # The catalogue's search (services/search.py).
    "search": {"sv": "Sök", "en": "Search"},
    "search_label": {"sv": "Sök bland filmer och sånger", "en": "Search films and songs"},
    "search_hint": {
        "sv": "Titel, beskrivning eller något som sägs i filmen.",
        "en": "A title, a description or something said in the film.",
    },
    "search_results_one": {"sv": "1 träff för ”{query}”", "en": "1 result for “{query}”"},
    "search_results": {"sv": "{count} träffar för ”{query}”", "en": "{count} results for “{query}”"},
    "search_none": {"sv": "Inget hittades för ”{query}”.", "en": "Nothing found for “{query}”."},
    "search_show_all": {"sv": "Visa hela biblioteket", "en": "Show the whole library"},
    "search_said": {"sv": "Sägs i filmen", "en": "Said in the film"},
    "search_said_at": {"sv": "Titta från {time}:", "en": "Watch from {time}:"},
    # The player: the template writes these, and all of them go to its script as JSON.
    "player": {"sv": "Mediespelare", "en": "Media player"},
    "player_play": {"sv": "Spela upp", "en": "Play"},
    "player_pause": {"sv": "Pausa", "en": "Pause"},
    "player_seek": {"sv": "Uppspelningsposition", "en": "Playback position"},
    "player_time_of": {"sv": "{current} av {total}", "en": "{current} of {total}"},
    "player_mute": {"sv": "Stäng av ljudet", "en": "Mute"},
    "player_unmute": {"sv": "Slå på ljudet", "en": "Unmute"},
    "player_volume": {"sv": "Volym", "en": "Volume"},
    "player_speed": {"sv": "Hastighet", "en": "Speed"},
    "player_captions": {"sv": "Textning", "en": "Captions"},
    "player_captions_off": {"sv": "Ingen textning", "en": "Captions off"},
    "player_caption_style": {"sv": "Textningens utseende", "en": "Caption style"},
    "player_transcript": {"sv": "Utskrift", "en": "Transcript"},
    "player_transcript_description": {"sv": "Bildbeskrivning", "en": "Description"},
    "player_sign": {"sv": "Teckenspråk", "en": "Sign language"},
    "player_sign_layout": {"sv": "Tolkens placering", "en": "Interpreter layout"},
    "player_sign_over": {"sv": "Tolken i bilden", "en": "Interpreter over the film"},
    "player_sign_beside": {"sv": "Tolken bredvid bilden", "en": "Interpreter beside the film"},
    "player_sign_large": {"sv": "Stor tolk, liten film", "en": "Large interpreter, small film"},
    "player_sign_larger": {"sv": "Större", "en": "Larger"},
    "player_sign_smaller": {"sv": "Mindre", "en": "Smaller"},
    "player_sign_move_left": {"sv": "Flytta till vänster", "en": "Move left"},
    "player_sign_move_right": {"sv": "Flytta till höger", "en": "Move right"},
    "player_sign_move_up": {"sv": "Flytta uppåt", "en": "Move up"},
    "player_sign_move_down": {"sv": "Flytta nedåt", "en": "Move down"},
    "player_sign_window": {"sv": "Teckenspråkstolk", "en": "Sign language interpreter"},
    "player_film_window": {"sv": "Filmen", "en": "The film"},
    "player_window_help": {
        "sv": "Piltangenterna flyttar fönstret, Skift och piltangenterna ändrar storleken.",
        "en": "Arrow keys move the window; Shift and the arrow keys resize it.",
    },
    "player_window_kind": {"sv": "flyttbart fönster", "en": "movable window"},
    "player_sign_waiting": {"sv": "Väntar på tolken …", "en": "Waiting for the interpreter …"},
    "player_sign_stuck": {
        "sv": "Tolken har stannat: nätverket är för långsamt just nu.",
        "en": "The interpreter has stopped: the network is too slow just now.",
    },
    "player_sign_broken": {
        "sv": "Tolken kan inte spelas i den här webbläsaren.",
        "en": "The interpreter cannot be played in this browser.",
    },
    "player_sign_wait": {"sv": "Vänta på tolken", "en": "Wait for the interpreter"},
    "player_sign_without": {"sv": "Spela utan tolk", "en": "Play without the interpreter"},
    "player_sign_use_signed": {
        "sv": "Byt till versionen med tolken i bilden",
        "en": "Switch to the version with the interpreter in the picture",
    },
    "player_signed_version": {
        "sv": "Versionen med inbränd tolk spelas.",
        "en": "Playing the version with the interpreter in the picture.",
    },
    "player_descriptions": {"sv": "Syntolkning", "en": "Audio description"},
    "player_descriptions_settings": {
        "sv": "Syntolkningens inställningar",
        "en": "Audio description settings",
    },
    "player_descriptions_mode": {
        "sv": "När beskrivningen behöver mer tid",
        "en": "When a description needs more time",
    },
    "player_descriptions_standard": {"sv": "Filmen spelar vidare", "en": "The film plays on"},
    "player_descriptions_extended": {
        "sv": "Filmen väntar (utökad syntolkning)",
        "en": "The film waits (extended description)",
    },
    "player_descriptions_rate": {"sv": "Talhastighet", "en": "Speech rate"},
    "player_descriptions_text": {
        "sv": "Beskrivningen även som text till skärmläsare",
        "en": "The description also as text for screen readers",
    },
    "player_descriptions_no_voice": {
        "sv": "Webbläsaren har ingen röst för {language}: en annan röst läser beskrivningen.",
        "en": "This browser has no {language} voice: another voice reads the description.",
    },
    "player_descriptions_no_speech": {
        "sv": "Webbläsaren kan inte läsa upp text: beskrivningen ges bara som text till skärmläsare.",
        "en": "This browser cannot speak: the description is given only as text for screen readers.",
    },
    "player_descriptions_waiting": {
        "sv": "Filmen väntar på syntolkningen …",
        "en": "The film waits for the description …",
    },
    "player_quality": {"sv": "Bildkvalitet", "en": "Picture quality"},
    "player_quality_auto": {"sv": "Automatisk", "en": "Auto"},
    "player_quality_auto_now": {"sv": "Automatisk ({height}p)", "en": "Auto ({height}p)"},
    "player_quality_now": {"sv": "Bildkvalitet: {quality}", "en": "Picture quality: {quality}"},
    "player_fullscreen": {"sv": "Helskärm", "en": "Full screen"},
    "player_exit_fullscreen": {"sv": "Avsluta helskärm", "en": "Exit full screen"},
    "player_chapters": {"sv": "Kapitel", "en": "Chapters"},
    "player_help": {"sv": "Kortkommandon", "en": "Keyboard shortcuts"},
    "player_help_intro": {
        "sv": "Kortkommandona fungerar när fokus är i spelaren. De stör inte skärmläsarens "
        "läsläge: där går tangenterna till skärmläsaren.",
        "en": "Shortcuts work while focus is in the player. They do not get in the way of a "
        "screen reader's browse mode: there the keys go to the screen reader.",
    },
    "player_key": {"sv": "Tangent", "en": "Key"},
    "player_action": {"sv": "Gör", "en": "Action"},
    "player_key_play": {"sv": "Spela upp eller pausa", "en": "Play or pause"},
    "player_key_back": {"sv": "Bakåt 5 sekunder", "en": "Back 5 seconds"},
    "player_key_forward": {"sv": "Framåt 5 sekunder", "en": "Forward 5 seconds"},
    "player_key_seek_bar": {
        "sv": "På tidslinjen: piltangenter 5 sekunder, Page Up och Page Down 30 sekunder, "
        "Home och End till början och slutet",
        "en": "On the seek bar: arrow keys 5 seconds, Page Up and Page Down 30 seconds, "
        "Home and End to the start and the end",
    },
    "player_key_slower": {"sv": "Långsammare", "en": "Slower"},
    "player_key_faster": {"sv": "Snabbare", "en": "Faster"},
    "player_key_mute": {"sv": "Ljud av eller på", "en": "Mute or unmute"},
    "player_key_captions": {"sv": "Textning av eller på", "en": "Captions on or off"},
    "player_key_transcript": {"sv": "Visa eller dölj utskriften", "en": "Show or hide the transcript"},
    "player_key_sign": {"sv": "Teckenspråk av eller på", "en": "Sign language on or off"},
    "player_key_descriptions": {"sv": "Syntolkning av eller på", "en": "Audio description on or off"},
    "player_key_fullscreen": {"sv": "Helskärm av eller på", "en": "Full screen on or off"},
    "player_key_help": {"sv": "Visa kortkommandona", "en": "Show the keyboard shortcuts"},
    "player_key_window": {
        "sv": "I tolkfönstret: piltangenterna flyttar, Skift och piltangenterna ändrar storleken",
        "en": "In the interpreter window: arrow keys move it, Shift and arrow keys resize it",
    },
    "player_close": {"sv": "Stäng", "en": "Close"},
    "player_reset": {"sv": "Återställ", "en": "Reset"},
    "player_style_size": {"sv": "Textstorlek", "en": "Text size"},
    "player_style_colour": {"sv": "Textfärg", "en": "Text colour"},
    "player_style_background": {"sv": "Bakgrundsfärg", "en": "Background colour"},
    "player_style_opacity": {"sv": "Bakgrundens täckning", "en": "Background opacity"},
    "player_style_font": {"sv": "Typsnitt", "en": "Font"},
    "player_style_preview": {"sv": "Förhandsvisning", "en": "Preview"},
    "player_style_sample": {
        "sv": "Så här ser textningen ut.",
        "en": "This is how the captions look.",
    },
    "player_size_small": {"sv": "Liten", "en": "Small"},
    "player_size_normal": {"sv": "Normal", "en": "Normal"},
    "player_size_large": {"sv": "Stor", "en": "Large"},
    "player_size_huge": {"sv": "Mycket stor", "en": "Extra large"},
    "player_colour_white": {"sv": "Vit", "en": "White"},
    "player_colour_yellow": {"sv": "Gul", "en": "Yellow"},
    "player_colour_cyan": {"sv": "Turkos", "en": "Cyan"},
    "player_colour_green": {"sv": "Grön", "en": "Green"},
    "player_colour_black": {"sv": "Svart", "en": "Black"},
    "player_colour_blue": {"sv": "Mörkblå", "en": "Dark blue"},
    "player_font_sans": {"sv": "Utan klackar (sans serif)", "en": "Sans serif"},
    "player_font_serif": {"sv": "Med klackar (serif)", "en": "Serif"},
    "player_font_mono": {"sv": "Fast bredd", "en": "Monospace"},
    "player_font_readable": {"sv": "Lättläst", "en": "Easy to read"},
    "player_transcript_search": {"sv": "Sök i utskriften", "en": "Search the transcript"},
    "player_transcript_matches": {"sv": "{count} träffar", "en": "{count} matches"},
    "player_transcript_match": {"sv": "1 träff", "en": "1 match"},
    "player_transcript_no_match": {"sv": "Inga träffar", "en": "No matches"},
    "player_transcript_empty": {
        "sv": "Ingen textning att visa.",
        "en": "No captions to show.",
    },
    "player_transcript_help": {
        "sv": "Välj en replik för att spela därifrån. Upp- och nedpil flyttar mellan replikerna.",
        "en": "Choose a line to play from there. The up and down arrow keys move between lines.",
    },
    "player_transcript_hide": {"sv": "Dölj utskriften", "en": "Hide the transcript"},
    # Embedding: the embed code on the watch page, the iframe's title and the demo host page.
    "embed": {"sv": "Bädda in", "en": "Embed"},
    "embed_code_label": {
        "sv": "Kod att klistra in på din webbplats",
        "en": "Code to paste into your website",
    },
    "embed_copy": {"sv": "Kopiera koden", "en": "Copy the code"},
    "embed_copied": {"sv": "Koden är kopierad.", "en": "The code is copied."},
    "embed_copy_failed": {
        "sv": "Det gick inte att kopiera. Koden är markerad: kopiera den med Ctrl+C.",
        "en": "Copying did not work. The code is selected: copy it with Ctrl+C.",
    },
    "embed_oembed_hint": {
        "sv": "Webbplatser som stöder oEmbed bäddar in spelaren om du klistrar in sidans adress.",
        "en": "Sites that support oEmbed embed the player when you paste this page's address.",
    },
    "embed_frame_title": {"sv": "Mediespelare: {title}", "en": "Media player: {title}"},
    "embed_demo_title": {
        "sv": "Exempel: spelaren på en annan webbplats",
        "en": "Example: the player on another site",
    },
    "embed_demo_intro": {
        "sv": "Den här sidan visar hur en annan webbplats styr en inbäddad Tolk-spelare med "
        "skriptet tolk-embed.js. Knapparna skickar kommandon till spelaren, och loggen visar "
        "händelserna den skickar tillbaka.",
        "en": "This page shows how another site controls an embedded Tolk player with the "
        "script tolk-embed.js. The buttons send commands to the player, and the log shows the "
        "events it sends back.",
    },
    "embed_demo_controls": {"sv": "Styr spelaren härifrån", "en": "Control the player from here"},
    "embed_demo_descriptions_off": {"sv": "Ingen syntolkning", "en": "No audio description"},
    "embed_demo_seek": {"sv": "Hoppa till {seconds} s", "en": "Go to {seconds} s"},
    "embed_demo_events": {"sv": "Händelser från spelaren", "en": "Events from the player"},
    "embed_demo_code": {"sv": "Koden på sidan", "en": "The code on this page"},
    # Open data: the watch page's licence, accessibility and documents; feeds and catalogues.
    "accessibility": {"sv": "Tillgänglighet", "en": "Accessibility"},
    "licence": {"sv": "Licens", "en": "Licence"},
    "documents": {"sv": "Dokument att ladda ner", "en": "Documents to download"},
    "open_data": {"sv": "Öppna data", "en": "Open data"},
    "open_data_intro": {
        "sv": "Biblioteket finns också som flöden och som öppna data för andra webbplatser och "
        "Sveriges dataportal.",
        "en": "The library is also published as feeds and as open data for other sites and "
        "Sweden's data portal.",
    },
    "feed_rss": {"sv": "RSS-flöde med allt nytt", "en": "RSS feed of everything new"},
    "feed_atom": {"sv": "Atom-flöde med allt nytt", "en": "Atom feed of everything new"},
    "feed_podcast": {"sv": "Sångerna som podcast", "en": "The songs as a podcast"},
    "open_data_json": {"sv": "Katalogen som JSON", "en": "The catalogue as JSON"},
    "open_data_dcat": {"sv": "Katalogbeskrivning (DCAT-AP-SE)", "en": "Catalogue description (DCAT-AP-SE)"},
}
MESSAGES.update(EDITOR_MESSAGES)
MESSAGES.update(API_MESSAGES)


def choose_language(request: Request, default: str = DEFAULT_LANGUAGE) -> str:
    """?lang=, then the language cookie, then Accept-Language; ``default`` (Swedish) when
    nothing matches."""
    for candidate in (request.query_params.get("lang"), request.cookies.get(LANGUAGE_COOKIE)):
        if candidate in LANGUAGES:
            return candidate
    weighted: list[tuple[float, str]] = []
    for part in request.headers.get("accept-language", "").split(","):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        weighted.append((quality, tag.split("-")[0].lower()))
    for _quality, language in sorted(weighted, key=lambda pair: -pair[0]):
        if language in LANGUAGES:
            return language
    return default


def answer_language(request: Request) -> str:
    """The language of an error answer in JSON: as ``choose_language`` says, but English when
    nothing says (a script that sends no Accept-Language reads the messages it always did)."""
    return choose_language(request, default="en")


def messages_with_prefix(language: str, prefix: str) -> dict[str, str]:
    """Every message whose key starts with ``prefix``, in ``language`` (for a page's script)."""
    return {key: text[language] for key, text in MESSAGES.items() if key.startswith(prefix)}


def translator(language: str) -> Callable[..., str]:
    """``t(key, **values)`` for templates: the message in ``language``, formatted."""

    def t(key: str, **values: object) -> str:
        text = MESSAGES[key][language]
        return text.format(**values) if values else text

    return t
